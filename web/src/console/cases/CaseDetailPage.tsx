import '../../shared/i18n/cases';
import '../../shared/i18n/console';
import '../../shared/i18n/enforcement';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useParams } from 'react-router-dom';
import { api } from '../../shared/api';
import { useAuth } from '../../shared/auth';
import { type CaseDetail, label } from '../../shared/cases';
import { errorText } from '../../shared/errors';
import { formatTime } from '../../shared/format';
import { SiteMap } from '../../shared/map/SiteMap';
import type { Marker } from '../../shared/types';
import { useApi } from '../../shared/use-api';
import { ActionForm, type ActionOutcome } from './ActionForm';
import { CaseTimeline } from './CaseTimeline';
import { PublicReportPanel } from './PublicReportPanel';
import './cases.css';
import { MaskedPhone } from '../../shared/MaskedPhone';

/** One case: header with deadlines, timeline of people/roles/photos/GPS, a map, and only the allowed actions. */
export function CaseDetailPage() {
  const { id = '' } = useParams();
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const r = useApi(() => api.get<CaseDetail>(`/api/cases/${encodeURIComponent(id)}`), [id]);
  const created = (useLocation().state as { created?: string } | null)?.created;
  const { can } = useAuth();
  const [open, setOpen] = useState<string | null>(null);
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | null>(null);
  // The action's form closes with the button that had the focus: the outcome takes it.
  const msgRef = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (msg) msgRef.current?.focus();
  }, [msg]);
  const c = r.data;
  const markers = useMemo<Marker[]>(
    () => (c ? [{ id: c.site?.id ?? c.id, kind: (c.site?.kind ?? 'bin_room') as Marker['kind'], name: c.site?.name ?? c.number, lng: c.lng, lat: c.lat, status: 'active', committeeId: c.committeeId }] : []),
    [c?.id, c?.lng, c?.lat],
  );
  if (r.error) return <p className="alert alert-error">{errorText(t, r.error)}</p>;
  if (!c) return <p className="page-loading">{t('common.loading')}</p>;
  const onOutcome = (o: ActionOutcome) => {
    setOpen(null);
    setMsg(o.ok ? { ok: true, text: t('cases.action.done', { action: label(o.action, lang) }) } : { ok: false, text: o.text });
    r.reload();
  };
  const overdue = !!c.overdueAt;
  return (
    <section className="case-detail" data-testid="case-detail" data-status={c.status} data-version={c.version}>
      <div className="page-head">
        <h1>
          <span data-testid="case-number">{c.number}</span> · <span data-testid="case-status">{label(c.statusLabel, lang)}</span>
        </h1>
        <Link to="/cases">{t('cases.detail.back')}</Link>
      </div>
      {created && !msg ? <p className="alert alert-ok" data-testid="case-created">{t('console.newCase.created', { number: created })}</p> : null}
      {msg ? <p className={msg.ok ? 'alert alert-info' : 'alert alert-error'} role={msg.ok ? 'status' : 'alert'} tabIndex={-1} ref={msgRef} data-testid={msg.ok ? 'action-done' : 'action-conflict'}>{msg.text}</p> : null}
      <div className="detail-grid">
        <div className="card case-head">
          <dl>
            <dt>{t('cases.col.category')}</dt><dd>{lang === 'en' ? c.category.nameEn : c.category.nameZh} <small className="muted">{c.category.code}</small></dd>
            <dt>{t('cases.filter.source')}</dt><dd>{t(`cases.source.${c.source}`)}</dd>
            <dt>{t('cases.detail.site')}</dt><dd data-testid="case-site">{c.site ? `${c.site.name} · ${c.site.address}` : t('cases.detail.noSite')}</dd>
            <dt>{t('cases.col.committee')}</dt><dd>{lang === 'en' ? c.committee.nameEn : c.committee.name}</dd>
            <dt>{t('cases.detail.reporter')}</dt><dd>{c.reporter ? `${c.reporter.name} · ${t(`roles.${c.reporter.role}`)}` : ''}</dd>
            <dt>{t('cases.detail.reported')}</dt><dd>{formatTime(c.reportedAt, lang)}</dd>
            <dt>{t('cases.detail.stageDue')}</dt>
            <dd className={overdue ? 'case-overdue' : ''} data-testid="case-due">
              {formatTime(c.stageDueAt, lang)} {overdue ? `· ${t('cases.detail.overdue')}` : ''}
            </dd>
            {c.handleDueAt ? <><dt>{t('cases.detail.handleDue')}</dt><dd>{formatTime(c.handleDueAt, lang)}</dd></> : null}
            {c.assignedUnit ? <><dt>{t('cases.detail.unit')}</dt><dd data-testid="case-unit">{c.assignedUnit.name}{c.assignedUnit.contactPhone ? <> · {c.assignedUnit.contactName ?? ''} <MaskedPhone phone={c.assignedUnit.contactPhone} kind="unit" id={c.assignedUnit.id} /></> : null}</dd></> : null}
            {c.assignedUser ? <><dt>{t('cases.detail.assignee')}</dt><dd>{c.assignedUser.name}</dd></> : null}
          </dl>
          <p>{c.description}</p>
          {c.pendingRequest ? <p className="alert alert-info">{t(`cases.detail.pending.${c.pendingRequest}`, { due: formatTime(c.requestedDueAt, lang) })}</p> : null}
          {c.reworkCount ? <p className="muted">{t('cases.detail.rework', { n: c.reworkCount })}</p> : null}
          {c.mergedCases.length ? (
            <p>{t('cases.detail.merged')}: {c.mergedCases.map((m) => <Link key={m.id} to={`/cases/${m.id}`}>{m.number} </Link>)}</p>
          ) : null}
        </div>
        <div className="card">
          <h2>{t('cases.detail.map')}</h2>
          <SiteMap className="case-map" markers={markers} />
        </div>
        <div className="card case-actions" data-testid="case-actions">
          <h2>{t('cases.detail.actions')}</h2>
          {!c.allowedActions.length ? <p className="muted">{t('cases.detail.noActions')}</p> : null}
          <div className="actions">
            {c.allowedActions.map((a) => (
              <button key={a.action} type="button" className={`btn ${open === a.action ? '' : 'btn-ghost'}`} data-testid={`action-${a.action}`} onClick={() => setOpen(open === a.action ? null : a.action)}>
                {label(a, lang)}
              </button>
            ))}
          </div>
          {can('enforcement.act') && c.site && !['closed', 'cancelled', 'merged'].includes(c.status) ? (
            <p><Link to={`/enforcement/new?caseId=${encodeURIComponent(c.id)}`} className="btn btn-ghost" data-testid="case-to-enforcement">{t('enforcement.open.fromCase')}</Link></p>
          ) : null}
          {c.allowedActions.filter((a) => a.action === open).map((a) => <ActionForm key={`${a.action}-${c.version}`} c={c} a={a} onOutcome={onOutcome} />)}
        </div>
        {['citizen', 'open311', 'hotline'].includes(c.source) ? <PublicReportPanel caseId={c.id} /> : null}
      </div>
      <h2>{t('cases.detail.timeline')}</h2>
      <CaseTimeline c={c} />
    </section>
  );
}
