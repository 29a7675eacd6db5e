import '../../shared/i18n/cases';
import '../../shared/i18n/enforcement';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { api, request } from '../../shared/api';
import { type CaseDetail, type CaseListItem, idemKey, label } from '../../shared/cases';
import { errorText } from '../../shared/errors';
import { formatTime } from '../../shared/format';
import { useApi } from '../../shared/use-api';

interface Basis { id: string; article: string; clause: string | null; dutyZh: string; dutyEn: string }

const FINAL = ['closed', 'cancelled', 'merged'];

/**
 * 转执法: the enforcement officer at the desk opens a ladder from a case still open in the loop
 * (a shop that did not rectify, a citizen's repeated complaint). The case is found by its number,
 * or comes from the case page; the facts start from its description. Opening at a site with no case
 * needs the officer there (position and photos) and is done on the phone.
 */
export function OpenFromCasePage() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const caseId = params.get('caseId') ?? '';
  const [q, setQ] = useState('');
  const found = useApi(
    () => (q.trim().length >= 2 ? api.get<{ items: CaseListItem[] }>('/api/cases', { q: q.trim(), limit: 20 }) : Promise.resolve({ items: [] as CaseListItem[] })),
    [q],
  );
  const picked = useApi(() => (caseId ? api.get<CaseDetail>(`/api/cases/${encodeURIComponent(caseId)}`) : Promise.resolve(null)), [caseId]);
  const bases = useApi(() => api.get<{ items: Basis[] }>('/api/enforcement/legal-bases'), []);
  const c = picked.data;
  const [facts, setFacts] = useState<string | null>(null);
  const [basisId, setBasisId] = useState('');
  const [error, setError] = useState('');
  const [sending, setSending] = useState(false);
  // One key per form: a second click or a retry after a lost answer opens the ladder once.
  const key = useMemo(idemKey, [caseId]);
  const candidates = (found.data?.items ?? []).filter((x) => !FINAL.includes(x.status));
  const reason = c ? (FINAL.includes(c.status) ? t('enforcement.open.final') : !c.site ? t('enforcement.open.noSite') : '') : '';
  const [existing, setExisting] = useState<string | null>(null);

  return (
    <section className="enforcement-open" data-testid="enf-open-page">
      <div className="page-head">
        <h1>{t('enforcement.open.title')}</h1>
        <Link to="/enforcement">{t('enforcement.open.back')}</Link>
      </div>
      <p className="muted">{t('enforcement.open.hint')}</p>
      {!caseId ? (
        <div className="card">
          <label className="field">
            <span>{t('enforcement.open.search')}</span>
            <input value={q} onChange={(e) => setQ(e.target.value)} placeholder={t('enforcement.open.searchHint')} data-testid="enf-case-search" />
          </label>
          {q.trim().length >= 2 && found.data && !candidates.length ? <p className="muted">{t('enforcement.desk.empty')}</p> : null}
          <ul className="enf-case-hits">
            {candidates.map((x) => (
              <li key={x.id}>
                <button type="button" className="btn btn-ghost" data-testid="enf-case-hit" onClick={() => setParams({ caseId: x.id })}>
                  {x.number} · {label(x.statusLabel, lang)} · {x.siteName ?? ''}
                </button>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {picked.error ? <p className="alert alert-error">{errorText(t, picked.error)}</p> : null}
      {c ? (
        <form
          className="card"
          onSubmit={async (e) => {
            e.preventDefault();
            setError('');
            setExisting(null);
            if (!basisId) return setError(t('enforcement.open.basisRequired'));
            setSending(true);
            try {
              const body = { caseId: c.id, facts: (facts ?? c.description).trim(), legalBasisId: basisId || undefined };
              const res = await request<{ id: string }>('POST', '/api/enforcement/cases', body, { 'idempotency-key': key });
              navigate(`/enforcement/${res.id}`);
            } catch (err) {
              setError(errorText(t, err));
              // This case already has a ladder under way: lead to it.
              const other = (err as { details?: { enforcementCaseId?: string } }).details?.enforcementCaseId;
              if (other) setExisting(other);
              setSending(false);
            }
          }}
        >
          <h2 data-testid="enf-case-number">{c.number} · {label(c.statusLabel, lang)}</h2>
          <p>{c.site ? `${c.site.name} · ${c.site.address}` : t('cases.detail.noSite')}<br />
            <small className="muted">{lang === 'en' ? c.category.nameEn : c.category.nameZh} · {t('cases.detail.reported')} {formatTime(c.reportedAt, lang)}</small></p>
          {reason ? <p className="alert alert-error" data-testid="enf-open-blocked">{reason}</p> : null}
          <label className="field">
            <span>{t('enforcement.field.facts')}</span>
            <textarea rows={4} required maxLength={2000} value={facts ?? c.description} onChange={(e) => setFacts(e.target.value)} data-testid="enf-facts" />
          </label>
          <label className="field">
            <span>{t('enforcement.field.legalBasis')}</span>
            <select value={basisId} onChange={(e) => setBasisId(e.target.value)} data-testid="enf-basis" aria-required="true">
              <option value="">{t('cases.desk.choose')}</option>
              {(bases.data?.items ?? []).map((b) => <option key={b.id} value={b.id}>{b.article}{b.clause ?? ''} · {lang === 'en' ? b.dutyEn : b.dutyZh}</option>)}
            </select>
          </label>
          {error ? (
            <p className="alert alert-error" role="alert" data-testid="enf-error">
              {error} {existing ? <Link to={`/enforcement/${existing}`} data-testid="enf-existing">{t('enforcement.open.existing')}</Link> : null}
            </p>
          ) : null}
          <div className="actions">
            <button type="submit" className="btn" disabled={sending || !!reason} data-testid="enf-open-submit">{t('enforcement.field.open2')}</button>
            <button type="button" className="btn btn-ghost" onClick={() => setParams({})}>{t('enforcement.open.other')}</button>
          </div>
        </form>
      ) : null}
    </section>
  );
}
