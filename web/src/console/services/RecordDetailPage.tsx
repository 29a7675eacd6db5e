import '../../shared/i18n/services-console';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { api } from '../../shared/api';
import { useAuth } from '../../shared/auth';
import { errorText } from '../../shared/errors';
import { formatStamp } from '../../shared/format';
import { useApi } from '../../shared/use-api';
import { IdReveal } from './IdReveal';
import { RecordSteps } from './RecordSteps';
import type { MaterialSpec, PointDetail, Reveal, ServiceItemDetail, ServiceRecord } from './types';
import './services.css';

/** How one material of the guide stands on the record. */
function materialState(spec: MaterialSpec, receipt: { received: boolean; deferred: boolean } | undefined) {
  if (receipt?.received) return 'received';
  if (receipt?.deferred) return 'deferred';
  if (spec.eLicenceExempt) return 'exempt';
  return 'missing';
}

/** One 办件: facts, the guide version it used with its materials, masked IDs with logged reveal, the reveal log, and its steps. */
export function RecordDetailPage() {
  const { id = '' } = useParams();
  const { t, i18n } = useTranslation();
  const en = i18n.language === 'en';
  const { can } = useAuth();
  const record = useApi(() => api.get<ServiceRecord>(`/api/services/records/${encodeURIComponent(id)}`), [id]);
  const r = record.data;
  const item = useApi(() => (r ? api.get<ServiceItemDetail>(`/api/services/items/${encodeURIComponent(r.itemId)}`) : Promise.resolve(null)), [r?.itemId]);
  const point = useApi(() => (r ? api.get<PointDetail>(`/api/services/points/${encodeURIComponent(r.pointId)}`) : Promise.resolve(null)), [r?.pointId]);
  const canLog = can('services.reveals.read');
  const reveals = useApi(() => (canLog ? api.get<{ items: Reveal[] }>(`/api/services/records/${encodeURIComponent(id)}/reveals`) : Promise.resolve(null)), [id, canLog]);

  if (record.error) return <p className="alert alert-error">{errorText(t, record.error)}</p>;
  if (!r) return <p className="page-loading">{t('common.loading')}</p>;
  const version = item.data?.versions.find((v) => v.id === r.itemVersionId) ?? null;
  const staff = point.data?.staff.find((s) => s.id === r.staffId)?.displayName ?? '';
  const fact = (label: string, value: ReactNode, key: string) => (
    <div className="yw-fact" key={key} data-testid={`yw-rec-${key}`}><dt>{label}</dt><dd>{value || t('common.none')}</dd></div>
  );
  const canReveal = can('services.reveal_id');

  return (
    <section className="yw-page" data-testid="yw-record-page" data-status={r.status}>
      <p><Link to="/services/records">← {t('yw.record.back')}</Link></p>
      <div className="page-head">
        <h1>{t('yw.record.title', { number: r.number })}</h1>
        <span className="badge" data-testid="yw-rec-status">{t(`yw.records.statuses.${r.status}`)}</span>
      </div>
      <div className="detail-grid">
        <div className="card">
          <dl className="yw-facts">
            {fact(t('yw.records.item'), version ? (en && version.nameEn ? version.nameEn : version.nameZh) : '', 'item')}
            {fact(t('yw.record.version'), version ? t('yw.record.versionValue', { n: version.version, date: version.effectiveFrom }) : '', 'version')}
            {fact(t('yw.records.point'), point.data?.name ?? '', 'point')}
            {fact(t('yw.record.staff'), staff, 'staff')}
            {fact(t('yw.record.mode'), t(`yw.modes.${r.mode}`), 'mode')}
            {fact(t('yw.record.assistRole'), t(`yw.record.assistRoles.${r.assistRole}`), 'assistRole')}
            {fact(t('yw.records.applicant'), r.applicant.name, 'applicant')}
            {fact(t('yw.record.idNumber'), <IdReveal recordId={r.id} field="applicant" masked={r.applicant.idNumber} canReveal={canReveal} onRevealed={reveals.reload} />, 'applicantId')}
            {fact(t('yw.record.phone'), r.applicant.phone ?? '', 'phone')}
            {r.agent ? fact(t('yw.record.agent'), r.agent.name, 'agent') : null}
            {r.agent ? fact(t('yw.record.idNumber'), <IdReveal recordId={r.id} field="agent" masked={r.agent.idNumber} canReveal={canReveal} onRevealed={reveals.reload} />, 'agentId') : null}
            {r.agent ? fact(t('yw.record.authorizationRef'), r.agent.authorizationRef ?? '', 'authorizationRef') : null}
          </dl>
          <h3>{t('yw.record.timeline')}</h3>
          <dl className="yw-facts">
            {fact(t('yw.records.acceptedAt'), formatStamp(r.acceptedAt), 'acceptedAt')}
            {fact(t('yw.records.dueAt'), <>{formatStamp(r.dueAt)} {r.overdue ? <span className="yw-overdue">{t('yw.records.overdue')}</span> : null}</>, 'dueAt')}
            {r.handedOffAt ? fact(t('yw.record.handedOffAt'), formatStamp(r.handedOffAt), 'handedOffAt') : null}
            {r.returnedAt ? fact(t('yw.record.returnedAt'), formatStamp(r.returnedAt), 'returnedAt') : null}
            {r.decidedAt ? fact(t('yw.record.decidedAt'), `${formatStamp(r.decidedAt)} · ${t(r.onTime ? 'yw.record.onTime' : 'yw.record.late')}`, 'decidedAt') : null}
            {r.resultReason ? fact(t('yw.record.reason'), r.resultReason, 'reason') : null}
            {r.delivery ? fact(t('yw.record.delivery'), `${t(`yw.record.deliveries.${r.delivery}`)}${r.deliveredAt ? ` · ${formatStamp(r.deliveredAt)}` : ''}`, 'delivery') : null}
          </dl>
        </div>
        <div>
          <div className="card">
            <h3>{t('yw.record.materials')}</h3>
            <table className="table" data-testid="yw-rec-materials">
              <tbody>
                {(version?.materials ?? []).map((m, i) => {
                  const state = materialState(m, r.materials.find((x) => x.index === i));
                  return (
                    <tr key={i} data-state={state}>
                      <td>{m.name}</td>
                      <td className={state === 'missing' ? 'yw-overdue' : undefined}>{t(`yw.record.${state}`)}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          {can('services.serve') ? (
            <div className="card yw-panel">
              <h2>{t('yw.record.steps')}</h2>
              <RecordSteps key={r.version} record={r} onDone={() => record.reload()} />
            </div>
          ) : null}
          {canLog ? (
            <div className="card yw-panel" data-testid="yw-reveal-log">
              <h2>{t('yw.record.revealLog')}</h2>
              {reveals.data?.items.length ? (
                <table className="table">
                  <thead><tr><th>{t('yw.record.when')}</th><th>{t('yw.record.who')}</th><th>{t('yw.record.idNumber')}</th><th>{t('yw.record.why')}</th></tr></thead>
                  <tbody>
                    {reveals.data.items.map((x) => (
                      <tr key={x.id} data-testid="yw-reveal-row">
                        <td>{formatStamp(x.at)}</td><td>{x.userName}</td><td>{t(`yw.record.fields.${x.field}`)}</td><td>{x.reason}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              ) : <p className="muted">{t('yw.record.revealLogEmpty')}</p>}
            </div>
          ) : null}
        </div>
      </div>
    </section>
  );
}
