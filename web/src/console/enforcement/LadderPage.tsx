import '../../shared/i18n/enforcement';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { api } from '../../shared/api';
import type { LadderDetail } from '../../shared/enforcement-types';
import { errorText } from '../../shared/errors';
import { formatTime } from '../../shared/format';
import { useApi } from '../../shared/use-api';
import { MaskedPhone } from '../../shared/MaskedPhone';

/** One ladder: subject, legal basis, every step with its people, place and photos, and the documents (PDF to view or print). */
export function LadderPage() {
  const { id = '' } = useParams();
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const { data: d, error } = useApi(() => api.get<LadderDetail>(`/api/enforcement/cases/${id}`), [id]);
  if (error) return <p className="alert alert-error" data-testid="not-found">{errorText(t, error)}</p>;
  if (!d) return <p className="page-loading">{t('common.loading')}</p>;
  const p = d.fineProposal;
  return (
    <section className="enforcement-ladder" data-testid="ladder-page">
      <div className="page-head">
        <h1>{t('enforcement.detail.title')} · {d.party.name}</h1>
        <span className="badge" data-testid="ladder-stage">{t(`enforcement.stages.${d.stage}`)}{d.outcome ? ` · ${t(`enforcement.outcome.${d.outcome}`)}` : ''}</span>
      </div>
      <div className="detail-grid">
        <div className="card">
          <h2>{t('enforcement.detail.subject')}</h2>
          <p>{d.party.name}<br />{d.party.contactName} <MaskedPhone phone={d.party.contactPhone} kind="party" id={d.party.id} /><br />{d.site?.address}</p>
          <p>{t('enforcement.detail.prior', { n: d.priorViolations })} · <Link to={`/enforcement/subjects/${d.party.id}`} data-testid="history-link">{t('enforcement.detail.history')}</Link></p>
          <p className="muted">{t('enforcement.col.caseNo')} {d.linkedCase.number}</p>
          <p>{d.facts}</p>
        </div>
        <div className="card">
          <h2>{t('enforcement.detail.legalBasis')}</h2>
          {d.legalBasis ? (
            <p>《{d.legalBasis.regulationZh}》{d.legalBasis.article}{d.legalBasis.clause ?? ''}<br />
              {lang === 'en' ? d.legalBasis.dutyEn : d.legalBasis.dutyZh}<br />
              <small className="muted">{lang === 'en' ? d.legalBasis.penaltyEn : d.legalBasis.penaltyZh}</small></p>
          ) : null}
          {p && d.stage !== 'closed' ? (
            <p data-testid="fine-proposal">{t('enforcement.detail.proposal', { amount: p.proposed, offence: t(`enforcement.detail.${p.offence}`), min: p.legalMin, max: p.legalMax })}</p>
          ) : null}
          {d.nextSteps.length ? <p>{t('enforcement.detail.next')}: {d.nextSteps.map((s) => t(`enforcement.steps.${s.kind}`)).join(' / ')}</p> : null}
        </div>
      </div>
      <h2>{t('enforcement.detail.documents')}</h2>
      <table className="table" data-testid="documents">
        <thead><tr><th>{t('enforcement.col.document')}</th><th>{t('enforcement.col.when')}</th><th>{t('enforcement.detail.verifyCode')}</th><th /></tr></thead>
        <tbody>
          {d.documents.map((doc) => (
            <tr key={doc.id}>
              <td>{t(`enforcement.docs.${doc.kind}`)}<br /><strong>{doc.number}</strong>{doc.revision > 1 ? ` ${t('enforcement.detail.revision', { n: doc.revision })}` : ''}{doc.supersededById ? <span className="badge badge-retired"> {t('enforcement.detail.superseded')}</span> : null}
                {d.unservedStepId && doc.stepId === d.unservedStepId && !doc.supersededById ? (
                  <div data-testid="doc-unserved">
                    <span className="badge badge-retired">{t('enforcement.service.unserved')}</span>
                    {doc.kind === 'decision' && d.serviceDueAt ? (
                      <small className={d.serviceOverdue ? 'field-error' : 'muted'}> {d.serviceOverdue ? t('enforcement.service.overdue') : t('enforcement.service.dueBy', { time: formatTime(d.serviceDueAt, lang) })}</small>
                    ) : null}
                  </div>
                ) : null}</td>
              <td>{formatTime(doc.issuedAt, lang)}</td>
              <td><code>{doc.verifyCode}</code></td>
              <td><a className="btn btn-small" href={doc.pdfUrl} target="_blank" rel="noreferrer" data-testid="open-pdf">{t('enforcement.detail.openPdf')}</a></td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>{t('enforcement.detail.steps')}</h2>
      <ol className="timeline" data-testid="steps">
        {d.steps.map((s) => (
          <li key={s.id} data-kind={s.kind}>
            <strong>{t(`enforcement.steps.${s.kind}`)}</strong>{s.result ? ` · ${t(`enforcement.result.${s.result}`)}` : ''} · {formatTime(s.at, lang)} ·{' '}
            {s.actor ? [s.actor.name, s.coOfficer?.name].filter(Boolean).join('、') : t('enforcement.detail.system')}
            {s.deadlineAt ? ` · ${t(s.kind === 'dispatch' ? 'enforcement.col.due' : 'enforcement.col.deadline')} ${formatTime(s.deadlineAt, lang)}` : ''}
            {s.fineAmount !== null ? ` · ${t('enforcement.amount', { amount: s.fineAmount })}` : ''}
            {s.acknowledgement ? ` · ${t(`enforcement.ack.${s.acknowledgement}`)}` : ''}
            {s.service && s.acknowledgement === 'absent' ? ` · ${t(`enforcement.ack.${s.service.method}`)} ${formatTime(s.service.servedAt, lang)}` : ''}
            {s.gps ? <small className="muted"> · GPS {s.gps.lat.toFixed(5)}, {s.gps.lng.toFixed(5)}</small> : null}
            {s.note ? <div className="muted">{s.note}</div> : null}
            {s.photoIds.length ? (
              <div>{s.photoIds.map((pid, i) => <a key={pid} href={`/api/photos/${pid}`} target="_blank" rel="noreferrer"><img src={`/api/photos/${pid}/thumb`} alt={t('console.a11y.photo', { n: i + 1 })} style={{ maxWidth: 80, marginRight: 6, borderRadius: 4 }} /></a>)}</div>
            ) : null}
          </li>
        ))}
      </ol>
    </section>
  );
}
