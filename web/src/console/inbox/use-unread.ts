import { useEffect, useState } from 'react';
import { useLocation } from 'react-router-dom';
import { api } from '../../shared/api';

/** Fired after the inbox changes on this page (read one, read all) so the badge follows at once. */
export const INBOX_CHANGED = 'closeloop:inbox-changed';
const POLL_MS = 30_000;

export const inboxChanged = (unread: number) => window.dispatchEvent(new CustomEvent(INBOX_CHANGED, { detail: unread }));

/** Unread inbox items for the layout badge: on load, on navigation, on change, and every 30 s. */
export function useUnreadCount(): number | null {
  const [n, setN] = useState<number | null>(null);
  const { pathname } = useLocation();
  useEffect(() => {
    let live = true;
    const load = () =>
      api.get<{ unread: number }>('/api/inbox/count').then(
        (r) => live && setN(r.unread),
        () => undefined,
      );
    void load();
    const timer = window.setInterval(load, POLL_MS);
    const changed = (e: Event) => setN((e as CustomEvent<number>).detail);
    window.addEventListener(INBOX_CHANGED, changed);
    return () => {
      live = false;
      window.clearInterval(timer);
      window.removeEventListener(INBOX_CHANGED, changed);
    };
  }, [pathname]);
  return n;
}
