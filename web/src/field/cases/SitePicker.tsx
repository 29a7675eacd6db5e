import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../shared/api';
import { errorText } from '../../shared/errors';
import type { Marker, Page, Site } from '../../shared/types';
import { useApi } from '../../shared/use-api';
import { sortNearby } from '../nearby-sort';

export interface PickedSite {
  id: string;
  name: string;
  lng: number;
  lat: number;
  committeeId: string;
}

/** The nearest sites by GPS as big choices, or a site found by its QR / plate code. */
export function SitePicker({ position, value, onChange }: { position: { lng: number; lat: number } | null; value: PickedSite | null; onChange(s: PickedSite | null): void }) {
  const { t, i18n } = useTranslation();
  const markers = useApi(() => api.get<{ items: Marker[] }>('/api/sites/markers'), []);
  const [code, setCode] = useState('');
  const [note, setNote] = useState('');
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
                onChange={() => onChange({ id: s.id, name: s.name, lng: s.lng, lat: s.lat, committeeId: s.committeeId })}
              />{' '}
              {s.name} {s.distance !== null ? <small className="hint">{Math.round(s.distance)} m</small> : null}
            </label>
          </li>
        ))}
        <li>
          <label className="m-choice">
            <input type="radio" name="site" checked={!value} onChange={() => onChange(null)} data-testid="site-none" /> {t('cases.field.noSite')}
          </label>
        </li>
      </ul>
      <div className="m-row">
        <input className="m-input" placeholder={t('cases.field.qr')} value={code} onChange={(e) => setCode(e.target.value)} data-testid="site-qr" />
        <button
          type="button"
          className="m-btn"
          data-testid="site-qr-find"
          onClick={async () => {
            const v = code.trim();
            if (!v) return;
            // Offline (or no answer): say so instead of failing silently; the site can still be picked from the list.
            const page = await api.get<Page<Site>>('/api/sites', { q: v, limit: 5 }).catch((e: unknown) => {
              setNote(errorText(t, e));
              return null;
            });
            if (!page) return;
            const s = page.items.find((x) => x.qrCode === v) ?? page.items[0];
            setNote(s ? '' : t('cases.field.qrNotFound'));
            if (s) onChange({ id: s.id, name: s.name, lng: s.lng, lat: s.lat, committeeId: s.committeeId });
          }}
        >
          {t('cases.field.qrFind')}
        </button>
      </div>
      {note ? <small className="field-error" data-testid="site-qr-note">{note}</small> : null}
    </fieldset>
  );
}
