import '../../shared/i18n/field-map';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../shared/api';
import { errorText } from '../../shared/errors';
import { formatDistance } from '../../shared/geo/format-distance';
import type { Marker, Page, Site, SiteKind } from '../../shared/types';
import { useApi } from '../../shared/use-api';
import { sortNearby } from '../nearby-sort';
import { nearestWithin } from './report-defaults';

export interface PickedSite {
  id: string;
  name: string;
  lng: number;
  lat: number;
  committeeId: string;
  kind: SiteKind;
}

const pick = (s: { id: string; name: string; lng: number; lat: number; committeeId: string; kind: SiteKind }): PickedSite => ({ id: s.id, name: s.name, lng: s.lng, lat: s.lat, committeeId: s.committeeId, kind: s.kind });

/**
 * The nearest sites by GPS as big choices, or a site found by its QR / plate code. The nearest
 * site within `preselectWithinM` is chosen for the reporter once, until they choose themselves.
 */
export function SitePicker({ position, value, onChange, preselectWithinM }: { position: { lng: number; lat: number } | null; value: PickedSite | null; onChange(s: PickedSite | null): void; preselectWithinM: number | null }) {
  const { t, i18n } = useTranslation();
  const markers = useApi(() => api.get<{ items: Marker[] }>('/api/sites/markers'), []);
  const [code, setCode] = useState('');
  const [note, setNote] = useState('');
  const [auto, setAuto] = useState<{ id: string; distance: number } | null>(null);
  const touched = useRef(false);
  const choose = (s: PickedSite | null) => {
    touched.current = true;
    setAuto(null);
    onChange(s);
  };
  useEffect(() => {
    if (touched.current || value || preselectWithinM === null || !markers.data) return;
    const near = nearestWithin(markers.data.items, position, preselectWithinM);
    if (!near) return;
    touched.current = true;
    setAuto({ id: near.id, distance: near.distance! });
    onChange(pick(near));
  }, [markers.data, position?.lng, position?.lat, preselectWithinM, value]);
  const nearby = useMemo(
    () => (position ? sortNearby((markers.data?.items ?? []).filter((m) => m.status === 'active'), position, i18n.language).slice(0, 5) : []),
    [markers.data, position?.lng, position?.lat, i18n.language],
  );
  const choices = value && !nearby.some((n) => n.id === value.id) ? [{ ...value, distance: null }, ...nearby] : nearby;
  return (
    <fieldset className="field" data-testid="site-picker">
      <legend>{t('cases.field.site')}</legend>
      <ul className="m-list">
        {choices.map((s) => (
          <li key={s.id}>
            <label className="m-choice">
              <input
                type="radio"
                name="site"
                checked={value?.id === s.id}
                data-testid={`site-${s.id}`}
                onChange={() => choose(pick(s))}
              />{' '}
              {s.name} {s.distance !== null ? <small className="hint m-item-dist" data-distance={Math.round(s.distance)}>{formatDistance(s.distance, i18n.language)}</small> : null}
            </label>
          </li>
        ))}
        <li>
          <label className="m-choice">
            <input type="radio" name="site" checked={!value} onChange={() => choose(null)} data-testid="site-none" /> {t('cases.field.noSite')}
          </label>
        </li>
      </ul>
      <div className="m-row">
        <input className="m-input" aria-label={t('cases.field.qr')} placeholder={t('cases.field.qr')} value={code} onChange={(e) => setCode(e.target.value)} data-testid="site-qr" />
        <button
          type="button"
          className="m-btn"
          data-testid="site-qr-find"
          onClick={async () => {
            const v = code.trim();
            if (!v) return;
            // Offline (or no answer): say so instead of failing silently; the site can still be picked from the list.
            // The search also matches names and addresses: ask for enough rows that the exact code is among them.
            const page = await api.get<Page<Site>>('/api/sites', { q: v, limit: 100 }).catch((e: unknown) => {
              setNote(errorText(t, e));
              return null;
            });
            if (!page) return;
            // Only the site with exactly this code: a name or address that merely contains it is not a match.
            const s = page.items.find((x) => x.qrCode === v);
            setNote(s ? '' : t('cases.field.qrNotFound'));
            if (s) choose(pick(s));
          }}
        >
          {t('cases.field.qrFind')}
        </button>
      </div>
      {note ? <small className="field-error" data-testid="site-qr-note">{note}</small> : null}
      {auto && value?.id === auto.id ? <small className="hint" data-testid="site-preselected">{t('fmap.report.preselected', { distance: formatDistance(auto.distance, i18n.language) })}</small> : null}
    </fieldset>
  );
}
