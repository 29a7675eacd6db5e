import { useEffect, useRef, useState } from 'react';

export interface StreamCase {
  id: string;
  caseId: string;
  number: string;
  action: string;
  toStatus: string;
  committeeId: string;
  at: string;
}

/**
 * The dashboard's live stream (SSE). EventSource reconnects by itself and sends Last-Event-ID,
 * so nothing is missed across a dropped connection.
 */
export function useDashboardStream(onCase: (e: StreamCase) => void, onKpis: (k: Record<string, number | null>) => void) {
  const [live, setLive] = useState(false);
  const handlers = useRef({ onCase, onKpis });
  handlers.current = { onCase, onKpis };
  useEffect(() => {
    const es = new EventSource('/api/dashboard/stream');
    es.addEventListener('ready', () => setLive(true));
    es.addEventListener('case', (m) => handlers.current.onCase(JSON.parse((m as MessageEvent).data)));
    es.addEventListener('kpis', (m) => handlers.current.onKpis(JSON.parse((m as MessageEvent).data)));
    es.onerror = () => setLive(false);
    es.onopen = () => setLive(true);
    return () => es.close();
  }, []);
  return live;
}
