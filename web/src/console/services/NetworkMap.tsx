import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { loadClientConfig } from '../../shared/client-config';
import type { MapLayer, NetworkMapController } from './network-map-view';

/** The 一网通办 map: layers of dots on the console's basemap, Leaflet fetched on first use. */
export function NetworkMap({ layers, focusId, className = 'split-map' }: { layers: MapLayer[]; focusId?: string | null; className?: string }) {
  const { t, i18n } = useTranslation();
  const el = useRef<HTMLDivElement>(null);
  const ctl = useRef<NetworkMapController | null>(null);
  const [state, setState] = useState<'loading' | 'ready' | 'failed'>('loading');
  const lang = i18n.language;
  const label = useRef(t('map.offlineBasemap'));
  label.current = t('map.offlineBasemap');

  useEffect(() => {
    let cancelled = false;
    setState('loading');
    Promise.all([loadClientConfig(), import('./network-map-view')])
      .then(([config, mod]) => {
        if (cancelled || !el.current) return;
        ctl.current = mod.createNetworkMap(el.current, { config, lang, offlineLabel: label.current });
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
  }, [lang]);

  useEffect(() => {
    if (state === 'ready') ctl.current?.setLayers(layers, true);
  }, [state, layers]);
  useEffect(() => {
    if (state === 'ready' && focusId) ctl.current?.focus(focusId);
  }, [state, focusId]);

  return (
    <div className={`${className} map-frame`} data-testid="yw-map" data-state={state}>
      <div ref={el} className="map-canvas" />
      {state !== 'ready' ? <div className="map-overlay">{state === 'failed' ? t('map.failed') : t('map.loading')}</div> : null}
    </div>
  );
}
