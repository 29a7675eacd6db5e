import '../../shared/i18n/enforcement';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { api } from '../../shared/api';
import type { Stage } from '../../shared/enforcement-types';
import { errorText } from '../../shared/errors';
import { formatTime } from '../../shared/format';
import { useApi } from '../../shared/use-api';

interface History {
  party: { id: string; name: string; contactName: string | null; contactPhone: string | null };
  violationsInWindow: number;
  repeatOffender: boolean;
  ladders: { id: string; stage: Stage; outcome: 'rectified' | 'paid' | null; fineAmount: number | null; openedAt: string; siteName: string | null; documents: { id: string; number: string; kind: string }[] }[];
  cases: { id: string; number: string; status: string; description: string; reportedAt: string; siteName: string }[];
  laddersTotal: number;
  casesTotal: number;
}

/** A responsible party's record across enforcement ladders and cases in the loop. */
export function SubjectHistoryPage() {
  const { id = '' } = useParams();
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const { data: h, error } = useApi(() => api.get<History>(`/api/enforcement/subjects/${id}/history`), [id]);
  if (error) return <p className="alert alert-error" data-testid="not-found">{errorText(t, error)}</p>;
  if (!h) return <p className="page-loading">{t('common.loading')}</p>;
  return (
    <section data-testid="subject-history">
      <div className="page-head">
        <h1>{t('enforcement.history.title')} · {h.party.name}</h1>
        <span className={`badge ${h.repeatOffender ? 'badge-retired' : ''}`}>{h.repeatOffender ? t('enforcement.history.repeat', { n: h.violationsInWindow }) : t('enforcement.history.none')}</span>
      </div>
      <h2>{t('enforcement.history.ladders')}</h2>
      {h.laddersTotal > h.ladders.length ? <p className="muted" data-testid="ladders-newest">{t('enforcement.history.newest', { n: h.ladders.length, total: h.laddersTotal })}</p> : null}
      <table className="table">
        <tbody>
          {h.ladders.map((l) => (
            <tr key={l.id}>
              <td><Link to={`/enforcement/${l.id}`}>{formatTime(l.openedAt, lang)}</Link></td>
              <td>{l.siteName}</td>
              <td>{t(`enforcement.stages.${l.stage}`)}{l.outcome ? ` · ${t(`enforcement.outcome.${l.outcome}`)}` : ''}</td>
              <td>{l.fineAmount ?? ''}</td>
              <td>{l.documents.map((d) => <a key={d.id} href={`/api/enforcement/documents/${d.id}/pdf`} target="_blank" rel="noreferrer" style={{ display: 'block' }}>{d.number}</a>)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>{t('enforcement.history.cases')}</h2>
      {h.casesTotal > h.cases.length ? <p className="muted" data-testid="cases-newest">{t('enforcement.history.newest', { n: h.cases.length, total: h.casesTotal })}</p> : null}
      <table className="table">
        <tbody>
          {h.cases.map((c) => (
            <tr key={c.id}><td>{c.number}</td><td>{c.siteName}</td><td>{c.description}</td><td>{c.status}</td><td>{formatTime(c.reportedAt, lang)}</td></tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
