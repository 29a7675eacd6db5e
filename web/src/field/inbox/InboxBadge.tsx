import '../../shared/i18n/field-app';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { INBOX_CHANGED_EVENT, inboxApi } from './inbox-api';
import './inbox.css';

const POLL_MS = 60_000;

/** "消息" with the unread count, on the home screen; looks again every minute, on return to the app and when back online. */
export function InboxBadge() {
  const { t } = useTranslation();
  const [unread, setUnread] = useState<number | null>(null);
  useEffect(() => {
    let live = true;
    const look = () => {
      if (document.visibilityState === 'hidden') return;
      inboxApi.count().then((r) => live && setUnread(r.unread), () => undefined);
    };
    const onChanged = (e: Event) => setUnread((e as CustomEvent<number>).detail);
    look();
    const timer = setInterval(look, POLL_MS);
    window.addEventListener('online', look);
    document.addEventListener('visibilitychange', look);
    window.addEventListener(INBOX_CHANGED_EVENT, onChanged);
    return () => {
      live = false;
      clearInterval(timer);
      window.removeEventListener('online', look);
      document.removeEventListener('visibilitychange', look);
      window.removeEventListener(INBOX_CHANGED_EVENT, onChanged);
    };
  }, []);
  return (
    <Link to="/inbox" className="m-btn m-btn-ghost m-inbox-link" data-testid="inbox-badge" data-n={unread ?? ''} aria-label={unread ? t('fieldx.inbox.badge', { n: unread }) : t('fieldx.inbox.title')}>
      {t('fieldx.inbox.title')}
      {unread ? <span className="m-inbox-badge">{unread > 99 ? '99+' : unread}</span> : null}
    </Link>
  );
}
