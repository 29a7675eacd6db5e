import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api';
import { loadClientConfig } from '../client-config';
import type { LngLat } from '../geo/gcj02';
import type { Marker, Site } from '../types';
import type { MapMarker, SiteMapController } from './leaflet-view';

export interface SiteMapProps {
  markers: MapMarker[];
  /** Fit the view to the markers whenever they change. */
  fit?: boolean;
  focusId?: string | null;
  pin?: LngLat | null;
  /** Open the map on the pin, close up (the field map around me). */
  centerOnPin?: boolean;
  /** A line through these positions in order (today's route). */
  route?: LngLat[] | null;
  onPick?(p: LngLat): void;
  /** More links for a marker's popup (the field app's "navigate there"). */
  popupExtra?(m: Marker): HTMLElement | null;
  /** Called when the popup's "open details" link is used. */
  onOpen?(id: string): void;
  detailHref?(id: string): string;
  className?: string;
  /** Never load tiles from the network, whatever the deployment configures (the public page). */
  offlineOnly?: boolean;
}

const OFFLINE_CONFIG = { map: { tileUrl: '', tileCrs: 'wgs84' as const } };

/** The map, with Leaflet fetched on first use so it never weighs on the initial page. */
export function SiteMap({ markers, fit = true, focusId, pin, centerOnPin = false, route, onPick, onOpen, detailHref, popupExtra, className = 'site-map', offlineOnly = false }: SiteMapProps) {
  const { t, i18n } = useTranslation();
  const el = useRef<HTMLDivElement>(null);
  const ctl = useRef<SiteMapController | null>(null);
  const [state, setState] = useState<'loading' | 'ready' | 'failed'>('loading');
  const handlers = useRef({ onPick, onOpen, detailHref, popupExtra, t });
  handlers.current = { onPick, onOpen, detailHref, popupExtra, t };
  const lang = i18n.language;

  useEffect(() => {
    let cancelled = false;
    setState('loading');
    Promise.all([offlineOnly ? Promise.resolve(OFFLINE_CONFIG) : loadClientConfig(), import('./leaflet-view')])
      .then(([config, mod]) => {
        if (cancelled || !el.current) return;
        ctl.current = mod.createSiteMap(el.current, {
          config,
          lang,
          offlineLabel: handlers.current.t('map.offlineBasemap'),
          renderPopup: (m) => popupElement(m, handlers.current),
          clusterTitle: (count) => handlers.current.t('map.cluster', { count }),
          pickLabel: handlers.current.t('map.pick'),
          onPick: handlers.current.onPick ? (p) => handlers.current.onPick?.(p) : undefined,
        });
        setState('ready');
      })
      .catch((err) => {
        console.error(err);
        if (!cancelled) setState('failed');
      });
    return () => {
      cancelled = true;
      ctl.current?.destroy();
      ctl.current = null;
    };
  }, [lang, offlineOnly]);

  useEffect(() => {
    if (state === 'ready') ctl.current?.setMarkers(markers, fit);
  }, [state, markers, fit]);
  useEffect(() => {
    if (state === 'ready' && focusId) ctl.current?.focus(focusId);
  }, [state, focusId, markers]);
  useEffect(() => {
    if (state === 'ready') ctl.current?.setPin(pin ?? null, centerOnPin);
  }, [state, pin, centerOnPin]);
  useEffect(() => {
    if (state === 'ready') ctl.current?.setRoute(route ?? null);
  }, [state, route]);

  return (
    <div className={`${className} map-frame`} data-testid="site-map" data-state={state}>
      <div ref={el} className="map-canvas" />
      {state !== 'ready' ? <div className="map-overlay">{state === 'failed' ? t('map.failed') : t('map.loading')}</div> : null}
    </div>
  );
}

function popupElement(m: Marker, h: { onOpen?(id: string): void; detailHref?(id: string): string; popupExtra?(m: Marker): HTMLElement | null; t: (k: string) => string }): HTMLElement {
  const root = document.createElement('div');
  root.dataset.siteId = m.id;
  const title = document.createElement('strong');
  title.className = 'popup-title';
  title.textContent = m.name;
  const kind = document.createElement('div');
  kind.className = 'popup-kind';
  kind.textContent = h.t(`kinds.${m.kind}`);
  const addr = document.createElement('div');
  addr.className = 'popup-address';
  addr.textContent = '…';
  void api
    .get<Site>(`/api/sites/${encodeURIComponent(m.id)}`)
    .then((s) => {
      addr.textContent = s.address;
    })
    .catch(() => {
      addr.textContent = '';
    });
  root.append(title, kind, addr);
  if (h.detailHref) {
    const a = document.createElement('a');
    a.className = 'popup-link';
    a.href = h.detailHref(m.id);
    a.textContent = h.t('map.openDetail');
    a.addEventListener('click', (e) => {
      if (!h.onOpen) return;
      e.preventDefault();
      h.onOpen(m.id);
    });
    root.append(a);
  }
  const extra = h.popupExtra?.(m);
  if (extra) root.append(extra);
  return root;
}
