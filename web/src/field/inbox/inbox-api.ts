import { api } from '../../shared/api';
import { currentLang } from '../../shared/i18n';

/** One of my inbox items (GET /api/inbox; src/domain/notifications/inbox.ts). */
export interface InboxItem {
  id: string;
  kind: string;
  /** In the reader's language (notices from before message keys: in Chinese, as written). */
  title: string;
  body: string;
  caseId: string | null;
  createdAt: string;
  readAt: string | null;
}
export interface InboxPage {
  items: InboxItem[];
  nextCursor: string | null;
  unread: number;
}

/** Tells the badge to look again (after reading items on the inbox page). */
export const INBOX_CHANGED_EVENT = 'closeloop:inbox-changed';
const changed = (unread: number) => window.dispatchEvent(new CustomEvent(INBOX_CHANGED_EVENT, { detail: unread }));

export const inboxApi = {
  count: () => api.get<{ unread: number }>('/api/inbox/count'),
  /** Worded by the server in the language the app is set to. */
  list: (after?: string) => api.get<InboxPage>('/api/inbox', { limit: 50, after, lang: currentLang() }),
  async read(id: string) {
    const r = await api.post<{ unread: number }>(`/api/inbox/${encodeURIComponent(id)}/read`);
    changed(r.unread);
    return r;
  },
  /** Marks read the items up to `upTo`, the newest one shown: one that arrived since stays unread. */
  async readAll(upTo: string) {
    const r = await api.post<{ marked: number; unread: number }>('/api/inbox/read-all', { upTo });
    changed(r.unread);
    return r;
  },
};
