import { useEffect, useRef, useState } from 'react';
import type { ServicesBoard } from './types';

export interface StreamCase {
  id: string;
  caseId: string;
  number: string;
  action: string;
  toStatus: string;
  committeeId: string;
  at: string;
}

export interface StreamHandlers {
  onCase: (e: StreamCase) => void;
  onKpis: (k: Record<string, number | null>) => void;
  /** the 一网通办 board of my scope, after a front-office change */
  onServices?: (b: ServicesBoard) => void;
  /** the stream (re)opened: what it did not carry meanwhile (the board) is re-read */
  onReconnect?: () => void;
}

/**
 * The dashboard's live stream (SSE). EventSource reconnects by itself and sends Last-Event-ID,
 * so no case event is missed across a dropped connection; the board is re-read on reconnect.
 */
export function useDashboardStream(h: StreamHandlers) {
  const [live, setLive] = useState(false);
  const handlers = useRef(h);
  handlers.current = h;
  useEffect(() => {
    const es = new EventSource('/api/dashboard/stream');
    let opened = false;
    es.addEventListener('ready', () => {
      setLive(true);
      if (opened) handlers.current.onReconnect?.();
      opened = true;
    });
    es.addEventListener('case', (m) => handlers.current.onCase(JSON.parse((m as MessageEvent).data)));
    es.addEventListener('kpis', (m) => handlers.current.onKpis(JSON.parse((m as MessageEvent).data)));
    es.addEventListener('services', (m) => handlers.current.onServices?.(JSON.parse((m as MessageEvent).data)));
    es.onerror = () => setLive(false);
    es.onopen = () => setLive(true);
    return () => es.close();
  }, []);
  return live;
}
