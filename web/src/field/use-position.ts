import { useEffect, useState } from 'react';
import type { LngLat } from '../shared/geo/gcj02';

export type PositionState = { status: 'locating' } | { status: 'ok'; position: LngLat } | { status: 'unavailable' };

const GEO_TIMEOUT_MS = 10_000;
const GEO_MAX_AGE_MS = 60_000;

/** The browser's position once (WGS-84, as GPS reports it); denial or timeout gives 'unavailable'. */
export function usePosition(): PositionState {
  const [state, setState] = useState<PositionState>({ status: 'locating' });
  useEffect(() => {
    if (!('geolocation' in navigator)) {
      setState({ status: 'unavailable' });
      return;
    }
    let live = true;
    navigator.geolocation.getCurrentPosition(
      (p) => live && setState({ status: 'ok', position: { lng: p.coords.longitude, lat: p.coords.latitude } }),
      () => live && setState({ status: 'unavailable' }),
      { enableHighAccuracy: true, timeout: GEO_TIMEOUT_MS, maximumAge: GEO_MAX_AGE_MS },
    );
    return () => {
      live = false;
    };
  }, []);
  return state;
}
