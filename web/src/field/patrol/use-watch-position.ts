import { useEffect, useState } from 'react';

export type Fix = { lat: number; lng: number; accuracyM: number };
export type WatchState = { status: 'locating' } | { status: 'ok'; fix: Fix } | { status: 'unavailable' };

/** Follows the GPS (WGS-84, as the phone reports it) with its accuracy, for the check-in screen. */
export function useWatchPosition(): WatchState {
  const [state, setState] = useState<WatchState>({ status: 'locating' });
  useEffect(() => {
    if (!('geolocation' in navigator)) {
      setState({ status: 'unavailable' });
      return;
    }
    const id = navigator.geolocation.watchPosition(
      (p) => setState({ status: 'ok', fix: { lat: p.coords.latitude, lng: p.coords.longitude, accuracyM: Math.max(1, Math.round(p.coords.accuracy)) } }),
      () => setState((s) => (s.status === 'ok' ? s : { status: 'unavailable' })),
      { enableHighAccuracy: true, timeout: 15_000, maximumAge: 10_000 },
    );
    return () => navigator.geolocation.clearWatch(id);
  }, []);
  return state;
}
