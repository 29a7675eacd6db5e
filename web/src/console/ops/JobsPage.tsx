import '../../shared/i18n/console';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../shared/api';
import { errorText } from '../../shared/errors';
import { formatTime } from '../../shared/format';
import { useApi } from '../../shared/use-api';

interface Job { name: string; lagSeconds: number | null; lastSuccessAt: string | null; running: boolean }
interface RunResult { job: string; ran: boolean; handled: number; error: string | null }

/**
 * Background jobs (administrators): each job's backlog and last success, and "run a round now"
 * (audited) for those the server says may (`mayRun`: district-level administrators — every job acts
 * on all subdistricts).
 */
export function JobsPage() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const list = useApi(() => api.get<{ runsJobs: boolean; mayRun: boolean; jobs: Job[] }>('/api/jobs'), []);
  const [busy, setBusy] = useState<string | null>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const mayRun = list.data?.mayRun === true;
  const label = (name: string) => t(`console.jobs.names.${name}`, { defaultValue: name });

  async function run(name: string) {
    setBusy(name);
    setMessage(null);
    try {
      const r = await api.post<RunResult>(`/api/jobs/${encodeURIComponent(name)}/run`);
      const job = label(r.job);
      setMessage(
        r.error ? { ok: false, text: t('console.jobs.failed', { job, error: r.error }) }
          : r.ran ? { ok: true, text: t('console.jobs.ran', { job, handled: r.handled }) }
            : { ok: true, text: t('console.jobs.notRan', { job }) },
      );
      list.reload();
    } catch (err) {
      setMessage({ ok: false, text: errorText(t, err) });
    } finally {
      setBusy(null);
    }
  }

  return (
    <section data-testid="jobs-page">
      <div className="page-head">
        <h1>{t('console.jobs.title')}</h1>
      </div>
      <p className="muted">{t('console.jobs.hint')}</p>
      {list.data && !list.data.mayRun ? <p className="muted" data-testid="jobs-district-only">{t('console.jobs.districtOnly')}</p> : null}
      {list.data && mayRun && !list.data.runsJobs ? <p className="alert alert-error">{t('console.jobs.notServing')}</p> : null}
      {message ? <p className={`alert ${message.ok ? 'alert-ok' : 'alert-error'}`} data-testid="job-result">{message.text}</p> : null}
      {list.error ? <p className="alert alert-error">{errorText(t, list.error)}</p> : null}
      <table className="table" data-testid="jobs-table">
        <thead>
          <tr><th>{t('console.jobs.name')}</th><th>{t('console.jobs.lag')}</th><th>{t('console.jobs.lastSuccess')}</th><th>{t('console.jobs.running')}</th>{mayRun ? <th /> : null}</tr>
        </thead>
        <tbody>
          {(list.data?.jobs ?? []).map((j) => (
            <tr key={j.name} data-testid="job-row" data-name={j.name}>
              <td>{label(j.name)}</td>
              <td>{j.lagSeconds ? t('console.jobs.seconds', { n: Math.round(j.lagSeconds) }) : t('console.jobs.none')}</td>
              <td>{j.lastSuccessAt ? formatTime(j.lastSuccessAt, lang) : '—'}</td>
              <td>{j.running ? t('console.jobs.yes') : t('console.jobs.no')}</td>
              {mayRun ? (
                <td>
                  <button type="button" className="btn btn-small" disabled={!list.data?.runsJobs || busy !== null} onClick={() => void run(j.name)} data-testid="job-run">
                    {t('console.jobs.run')}
                  </button>
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
