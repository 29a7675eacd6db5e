import '../../shared/i18n/homes';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api } from '../../shared/api';
import { errorText } from '../../shared/errors';
import { useApi } from '../../shared/use-api';

interface SetupItem { key: string; done: boolean; missing: number; examples: string[]; to: string }
interface SubdistrictSetup { subdistrictId: string; name: string; items: SetupItem[]; done: number; total: number }

/** The administrator's home: per subdistrict, what the registry, staff, calendar and robot still miss. */
export function SetupChecklistPage() {
  const { t } = useTranslation();
  const { data, error, loading } = useApi(() => api.get<{ subdistricts: SubdistrictSetup[] }>('/api/setup/checklist'), []);
  const example = (item: SetupItem, e: string) => (item.key === 'essentialRoles' ? t(`homes.setup.roles.${e}`, { defaultValue: e }) : e);
  return (
    <section className="page" data-testid="setup-checklist">
      <h1>{t('homes.setup.title')}</h1>
      <p className="muted">{t('homes.setup.hint')}</p>
      {error ? <p className="alert alert-error">{errorText(t, error)}</p> : null}
      {loading && !data ? <p className="muted">{t('common.loading')}</p> : null}
      {data && !data.subdistricts.length ? <p className="muted">{t('homes.setup.none')}</p> : null}
      {data?.subdistricts.map((s) => (
        <div key={s.subdistrictId} className="card setup-card" data-testid="setup-subdistrict">
          <h2>
            {s.name} <small className="muted" data-testid="setup-progress">{t('homes.setup.progress', { done: s.done, total: s.total })}</small>
          </h2>
          <ul className="setup-list">
            {s.items.map((item) => (
              <li key={item.key} data-testid={`setup-${item.key}`} data-done={item.done ? 'true' : 'false'}>
                <span className={item.done ? 'badge badge-ok' : 'badge badge-warn'}>{item.done ? t('homes.setup.done') : t('homes.setup.todo')}</span>{' '}
                <strong>{t(`homes.setup.item.${item.key}`, { year: item.examples[0] ?? '' })}</strong>
                {!item.done ? (
                  <>
                    {item.key !== 'nextYearCalendar' && item.missing > 0 ? <span className="muted"> · {t('homes.setup.missing', { n: item.missing })}</span> : null}
                    {item.key !== 'nextYearCalendar' && item.examples.length ? (
                      <span className="muted"> （{item.examples.map((e) => example(item, e)).join('、')}{item.missing > item.examples.length ? '…' : ''}）</span>
                    ) : null}{' '}
                    <Link to={item.to} data-testid={`setup-fix-${item.key}`}>{t('homes.setup.fix')}</Link>
                  </>
                ) : null}
              </li>
            ))}
          </ul>
        </div>
      ))}
    </section>
  );
}
