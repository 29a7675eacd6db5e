import '../../shared/i18n/outbox';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { useOutboxView } from './use-outbox';

/**
 * While nobody's session is confirmed (sign-in page, server out of reach): how many actions the
 * last signed-in person saved on this phone still wait, that only they send them, and the way to
 * look at them (read-only). Never what someone else saved.
 */
export function SavedWorkNotice() {
  const { t } = useTranslation();
  const { items, others, hidden, ownerName } = useOutboxView();
  if (!items.length && !others) return null;
  return (
    <div className="alert alert-info" data-testid="saved-work">
      {items.length ? (
        <>
          <p data-testid="saved-work-count" data-n={items.length}>{t('outbox.owner.waiting', { n: items.length, name: ownerName ?? '' })}</p>
          <p>{t('outbox.owner.signInToSend', { name: ownerName ?? '' })}</p>
          {hidden ? null : <Link className="m-btn m-btn-block" to="/outbox" data-testid="saved-work-view">{t('outbox.owner.view')}</Link>}
        </>
      ) : null}
      {others ? <p data-testid="saved-work-others" data-n={others}>{t('outbox.owner.others', { n: others })}</p> : null}
    </div>
  );
}
