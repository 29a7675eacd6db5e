import '../../shared/i18n/console';
import './inbox.css';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api } from '../../shared/api';
import { currentLang } from '../../shared/i18n';
import { errorText } from '../../shared/errors';
import { formatTime } from '../../shared/format';
import { useKeysetList } from '../../shared/use-keyset-list';
import { inboxChanged } from './use-unread';

interface Item { id: string; kind: string; title: string; body: string; caseId: string | null; createdAt: string; readAt: string | null }
interface InboxPage { items: Item[]; nextCursor: string | null; unread: number }

/** My in-app inbox: newest first, unread filter, mark one or all read, open the case it is about. */
export function InboxPage() {
  const { t, i18n } = useTranslation();
  const [unreadOnly, setUnreadOnly] = useState(false);
  const { items, setItems, cursor, loading, error, setError, reload, loadMore } = useKeysetList<Item, InboxPage>(
    // Notices are worded by the server in the language the app is set to; a switch re-reads them.
    (after) => api.get<InboxPage>('/api/inbox', { unread: unreadOnly ? 'true' : undefined, after, limit: 30, lang: currentLang() }),
    [unreadOnly, i18n.language],
    (page) => inboxChanged(page.unread),
  );

  async function markRead(id: string) {
    try {
      const r = await api.post<{ unread: number }>(`/api/inbox/${encodeURIComponent(id)}/read`);
      const at = new Date().toISOString();
      setItems((list) => (unreadOnly ? list.filter((x) => x.id !== id) : list.map((x) => (x.id === id ? { ...x, readAt: x.readAt ?? at } : x))));
      inboxChanged(r.unread);
    } catch (e) {
      setError(e);
    }
  }
  async function readAll() {
    // Up to the newest item shown: a message that arrived since the list was loaded stays unread.
    const newest = items[0];
    if (!newest) return reload();
    try {
      const r = await api.post<{ unread: number }>('/api/inbox/read-all', { upTo: newest.id });
      inboxChanged(r.unread);
      reload();
    } catch (e) {
      setError(e);
    }
  }

  return (
    <section className="inbox-page" data-testid="inbox-page">
      <div className="page-head">
        <h1>{t('console.inbox.title')}</h1>
        <div className="actions">
          <label>
            <input type="checkbox" checked={unreadOnly} onChange={(e) => setUnreadOnly(e.target.checked)} data-testid="inbox-unread-only" /> {t('console.inbox.unreadOnly')}
          </label>
          <button type="button" className="btn" onClick={() => void readAll()} data-testid="inbox-read-all">{t('console.inbox.readAll')}</button>
        </div>
      </div>
      {error ? <p className="alert alert-error">{errorText(t, error)}</p> : null}
      <ul className="inbox-list" data-testid="inbox-list">
        {items.map((m) => (
          <li key={m.id} className={m.readAt ? 'inbox-read' : 'inbox-unread'} data-testid="inbox-item" data-id={m.id} data-read={m.readAt ? 'true' : 'false'}>
            <div className="inbox-head">
              <strong>{m.title}</strong>
              <small className="muted">{formatTime(m.createdAt, i18n.language)}</small>
            </div>
            <p>{m.body}</p>
            <div className="actions">
              {m.caseId ? (
                <Link to={`/cases/${m.caseId}`} onClick={() => { if (!m.readAt) void markRead(m.id); }} data-testid="inbox-open-case">
                  {t('console.inbox.openCase')}
                </Link>
              ) : m.kind === 'cases_reported' ? (
                <Link to="/cases?status=reported" onClick={() => { if (!m.readAt) void markRead(m.id); }} data-testid="inbox-open-reported">
                  {t('console.inbox.openReported')}
                </Link>
              ) : m.kind === 'rating_talk' && /^\d{4}-\d{2}/.test(m.title) ? (
                // The notice's title starts with its month (src/domain/service-ratings/ranking-notices.ts).
                <Link to={`/services/ranking?month=${m.title.slice(0, 7)}`} onClick={() => { if (!m.readAt) void markRead(m.id); }} data-testid="inbox-open-ranking">
                  {t('console.inbox.openRanking')}
                </Link>
              ) : null}
              {m.readAt ? (
                <span className="muted">{t('console.inbox.read')}</span>
              ) : (
                <button type="button" className="btn btn-small btn-ghost" onClick={() => void markRead(m.id)} data-testid="inbox-mark-read">{t('console.inbox.markRead')}</button>
              )}
            </div>
          </li>
        ))}
      </ul>
      {!loading && !items.length ? <p className="muted" data-testid="inbox-empty">{t('console.inbox.empty')}</p> : null}
      {loading ? <p className="muted">{t('common.loading')}</p> : null}
      {cursor && !loading ? <button type="button" className="btn btn-ghost" onClick={loadMore} data-testid="inbox-more">{t('console.inbox.loadMore')}</button> : null}
    </section>
  );
}
