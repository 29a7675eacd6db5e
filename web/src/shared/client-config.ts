import { useEffect, useState } from 'react';
import { api } from './api';
import type { ClientConfig } from './types';

const OFFLINE: ClientConfig = { map: { tileUrl: '', tileCrs: 'wgs84' } };
let pending: Promise<ClientConfig> | null = null;

/** GET /api/config once per page; a failure falls back to the offline basemap. */
export function loadClientConfig(): Promise<ClientConfig> {
  pending ??= api.get<ClientConfig>('/api/config').catch(() => OFFLINE);
  return pending;
}

export function useClientConfig(): ClientConfig | null {
  const [config, setConfig] = useState<ClientConfig | null>(null);
  useEffect(() => {
    let live = true;
    void loadClientConfig().then((c) => live && setConfig(c));
    return () => {
      live = false;
    };
  }, []);
  return config;
}
