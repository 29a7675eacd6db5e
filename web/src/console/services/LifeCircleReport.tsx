import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError, type FieldError } from '../../shared/api';
import { errorText } from '../../shared/errors';
import { Field } from '../../shared/FieldErrors';
import { floorPercent } from '../../shared/percent';
import type { LifeCircle, ServiceItem } from './types';

export const DEFAULT_DISTANCE_M = 1000;

/** The 15-minute life circle for one item: who lives farther than the distance from a point offering it. */
export function LifeCircleReport({ items, itemName, result, onResult }: {
  items: ServiceItem[];
  itemName(id: string): string;
  result: LifeCircle | null;
  onResult(r: LifeCircle | null): void;
}) {
  const { t } = useTranslation();
  const [itemId, setItemId] = useState('');
  const [distance, setDistance] = useState(String(DEFAULT_DISTANCE_M));
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function run(e: FormEvent) {
    e.preventDefault();
    setErrors([]);
    setError(null);
    setBusy(true);
    try {
      onResult(await api.get<LifeCircle>('/api/services/reports/life-circle', { itemId, distanceM: distance }));
    } catch (err) {
      onResult(null);
      setError(err);
      if (err instanceof ApiError) setErrors(err.fields);
    } finally {
      setBusy(false);
    }
  }

  const out = result?.committees.filter((c) => !c.covered) ?? [];
  const pct = result ? floorPercent(result.sites.covered, result.sites.total) : '';
  return (
    <section className="card yw-panel" data-testid="yw-life-circle">
      <h2>{t('yw.lifeCircle.title')}</h2>
      <p className="muted">{t('yw.lifeCircle.hint')}</p>
      <form className="filters" onSubmit={run}>
        <Field label={t('yw.lifeCircle.item')} name="itemId" errors={errors}>
          <select value={itemId} onChange={(e) => setItemId(e.target.value)} data-testid="yw-lc-item">
            <option value="">{t('yw.lifeCircle.chooseItem')}</option>
            {items.map((i) => <option key={i.id} value={i.id}>{itemName(i.id)}</option>)}
          </select>
        </Field>
        <Field label={t('yw.lifeCircle.distance')} name="distanceM" errors={errors}>
          <input inputMode="numeric" value={distance} onChange={(e) => setDistance(e.target.value)} data-testid="yw-lc-distance" className="yw-num" />
        </Field>
        <button type="submit" className="btn btn-primary" disabled={busy || !itemId} data-testid="yw-lc-run">{t('yw.lifeCircle.run')}</button>
      </form>
      {error && !errors.length ? <p className="alert alert-error">{errorText(t, error)}</p> : null}
      {result ? (
        <div data-testid="yw-lc-result" data-distance={result.distanceM} data-citywide={String(result.citywide)}>
          {result.citywide ? null : <p className="muted" data-testid="yw-lc-local-only">{t('yw.lifeCircle.localOnly')}</p>}
          <p>{t('yw.lifeCircle.points', { n: result.points.length })}</p>
          <p data-testid="yw-lc-share">
            {result.sites.total
              ? t('yw.lifeCircle.share', { covered: result.sites.covered, total: result.sites.total, distance: result.distanceM, pct })
              : t('yw.lifeCircle.noSites')}
          </p>
          {result.uncoveredSites.length ? <p>{t('yw.lifeCircle.uncoveredSites', { n: result.uncoveredSites.length })}</p> : null}
          <h3>{t('yw.lifeCircle.committeesOut')}</h3>
          {out.length ? (
            <table className="table" data-testid="yw-lc-committees">
              <thead><tr><th>{t('yw.lifeCircle.committee')}</th><th>{t('yw.lifeCircle.sitesCovered')}</th><th /></tr></thead>
              <tbody>
                {out.map((c) => (
                  <tr key={c.id} data-testid={`yw-lc-committee-${c.id}`}>
                    <td>{c.name}</td>
                    <td>{c.coveredSites}/{c.sites}</td>
                    <td>{c.nearestM === null ? t('yw.lifeCircle.noPoint') : t('yw.lifeCircle.nearest', { m: c.nearestM })}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : <p className="alert alert-ok" data-testid="yw-lc-all-covered">{t('yw.lifeCircle.allCovered')}</p>}
        </div>
      ) : null}
    </section>
  );
}
