import '../../shared/i18n/field-app';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { errorText } from '../../shared/errors';
import { formatTime } from '../../shared/format';
import { LoadMore } from '../../shared/LoadMore';
import { useKeysetList } from '../../shared/use-keyset-list';
import { useOnline } from '../offline/use-outbox';
import { TopBar } from '../TopBar';
import { type InboxItem, type InboxPage as InboxListPage, inboxApi } from './inbox-api';
import './inbox.css';

/** My messages (dispatches, reminders, approvals), newest first; opening one marks it read and goes to its case. */
export function InboxPage() {
  const { t, i18n } = useTranslation();
  const online = useOnline();
  const [loaded, setLoaded] = useState(false);
  const list = useKeysetList<InboxItem, InboxListPage>((after) => inboxApi.list(after), [i18n.language], () => setLoaded(true));
  const [readIds, setReadIds] = useState<Set<string>>(new Set());
  const [error, setError] = useState('');
  const items = list.items;
  const isRead = (i: InboxItem) => !!i.readAt || readIds.has(i.id);
  const unread = items.filter((i) => !isRead(i)).length;

  async function read(i: InboxItem) {
    if (isRead(i) || !online) return;
    setError('');
    try {
      await inboxApi.read(i.id);
      setReadIds((s) => new Set(s).add(i.id));
    } catch (e) {
      setError(errorText(t, e));
    }
  }
  async function readAll() {
    const newest = items[0];
    if (!newest) return;
    setError('');
    try {
      await inboxApi.readAll(newest.id);
      setReadIds(new Set(items.map((i) => i.id)));
    } catch (e) {
      setError(errorText(t, e));
    }
  }

  return (
    <div className="m-page">
      <TopBar title={t('fieldx.inbox.title')} />
      {!online ? <p className="m-notice m-notice-warn">{t('fieldx.inbox.offline')}</p> : null}
      {list.error ? <p className="alert alert-error">{errorText(t, list.error)}</p> : null}
      {error ? <p className="alert alert-error" data-testid="inbox-error">{error}</p> : null}
      {loaded && !items.length ? <p className="m-note" data-testid="inbox-empty">{t('fieldx.inbox.empty')}</p> : null}
      {unread && online ? (
        <button type="button" className="m-btn m-btn-block" data-testid="inbox-read-all" onClick={() => void readAll()}>
          {t('fieldx.inbox.readAll')}
        </button>
      ) : null}
      <ul className="m-list" data-testid="inbox-list" data-unread={loaded ? unread : ''}>
        {items.map((i) => (
          <li key={i.id} className="m-inbox-item" data-testid="inbox-item" data-id={i.id} data-case-id={i.caseId ?? ''} data-read={isRead(i) ? '1' : '0'}>
            {i.caseId ? (
              <Link to={`/cases/${i.caseId}`} onClick={() => void read(i)} data-testid="inbox-open">
                {i.title}
              </Link>
            ) : (
              <span>{i.title}</span>
            )}
            <span>{i.body}</span>
            <small className="hint">{formatTime(i.createdAt, i18n.language)}</small>
            {!isRead(i) && online ? (
              <span className="m-inbox-actions">
                <button type="button" className="m-btn" data-testid="inbox-mark-read" onClick={() => void read(i)}>
                  {t('fieldx.inbox.markRead')}
                </button>
              </span>
            ) : null}
          </li>
        ))}
      </ul>
      <LoadMore list={list} testId="inbox-more" className="m-btn m-btn-block" />
    </div>
  );
}
