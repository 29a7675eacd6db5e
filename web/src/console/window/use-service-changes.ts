import { useEffect, useRef, useState } from 'react';

/** While the live stream is down, the screen still re-reads this often. */
export const FALLBACK_POLL_MS = 30_000;
/** Changes arriving together (a call, then its start) cause one re-read. */
const COALESCE_MS = 150;

/**
 * Re-reads the window screen when its point changes elsewhere (another window calls, a citizen
 * books or cancels, a check-in): the front-office live stream (SSE), which names the point of
 * each change; on (re)connect it re-reads once; a slow poll only while the stream is down.
 */
export function useServiceChanges(pointId: string, refresh: () => void) {
  const [live, setLive] = useState(false);
  const latest = useRef(refresh);
  latest.current = refresh;
  useEffect(() => {
    if (!pointId) return;
    let timer: number | null = null;
    const soon = () => {
      if (timer !== null) return;
      timer = window.setTimeout(() => {
        timer = null;
        latest.current();
      }, COALESCE_MS);
    };
    let poll: number | null = null;
    const stopPoll = () => {
      if (poll !== null) window.clearInterval(poll);
      poll = null;
    };
    const startPoll = () => {
      if (poll === null) poll = window.setInterval(() => latest.current(), FALLBACK_POLL_MS);
    };
    const es = new EventSource('/api/services/stream');
    es.addEventListener('ready', () => {
      setLive(true);
      stopPoll();
      soon();
    });
    es.addEventListener('change', (m) => {
      const c = JSON.parse((m as MessageEvent).data) as { pointId: string | null };
      if (c.pointId === null || c.pointId === pointId) soon();
    });
    es.onerror = () => {
      setLive(false);
      startPoll();
    };
    return () => {
      es.close();
      stopPoll();
      if (timer !== null) window.clearTimeout(timer);
    };
  }, [pointId]);
  return live;
}
