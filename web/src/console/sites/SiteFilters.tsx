import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useMe } from '../../shared/auth';
import { SITE_KINDS } from '../../shared/types';
import { PlaceOptions } from '../registry/PlaceOptions';
import type { SiteFilterValues } from './site-filter';

/** Reports changes as patches, so two quick changes never overwrite each other. */
export function SiteFilters({ value, onChange }: { value: SiteFilterValues; onChange(patch: Partial<SiteFilterValues>): void }) {
  const { t } = useTranslation();
  const { places } = useMe();
  const [q, setQ] = useState(value.q);
  useEffect(() => setQ(value.q), [value.q]);
  const committees = places.committees.filter((c) => !value.subdistrictId || c.subdistrictId === value.subdistrictId);
  const set = onChange;

  function submit(e: FormEvent) {
    e.preventDefault();
    set({ q: q.trim() });
  }

  return (
    <form className="filters" onSubmit={submit} role="search">
      <input
        type="search"
        name="q"
        data-testid="site-search"
        placeholder={t('sites.searchPlaceholder')}
        aria-label={t('common.search')}
        value={q}
        onChange={(e) => setQ(e.target.value)}
      />
      <button type="submit" className="btn btn-primary" data-testid="site-search-submit">
        {t('common.search')}
      </button>
      {places.subdistricts.length > 1 ? (
        <select aria-label={t('sites.subdistrict')} value={value.subdistrictId} onChange={(e) => set({ subdistrictId: e.target.value, committeeId: '' })}>
          <option value="">{t('sites.allSubdistricts')}</option>
          <PlaceOptions places={places.subdistricts} />
        </select>
      ) : null}
      <select aria-label={t('sites.committee')} data-testid="filter-committee" value={value.committeeId} onChange={(e) => set({ committeeId: e.target.value })}>
        <option value="">{t('sites.allCommittees')}</option>
        <PlaceOptions places={committees} />
      </select>
      <select aria-label={t('sites.kind')} data-testid="filter-kind" value={value.kind} onChange={(e) => set({ kind: e.target.value })}>
        <option value="">{t('sites.allKinds')}</option>
        {SITE_KINDS.map((k) => (
          <option key={k} value={k}>
            {t(`kinds.${k}`)}
          </option>
        ))}
      </select>
      <select aria-label={t('sites.status')} data-testid="filter-status" value={value.status} onChange={(e) => set({ status: e.target.value })}>
        {(['active', 'retired', 'all'] as const).map((s) => (
          <option key={s} value={s}>
            {t(`statuses.${s}`)}
          </option>
        ))}
      </select>
      <button type="button" className="btn" onClick={() => onChange({ q: '', subdistrictId: '', committeeId: '', kind: '', status: 'active' })}>
        {t('common.reset')}
      </button>
    </form>
  );
}
