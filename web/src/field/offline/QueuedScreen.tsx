import '../../shared/i18n/outbox';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { TopBar } from '../TopBar';

/** Shown after a field action was kept on the phone (待发送) instead of sent. */
export function QueuedScreen({ title, testId }: { title: string; testId: string }) {
  const { t } = useTranslation();
  return (
    <div className="m-page">
      <TopBar title={title} />
      <p className="alert alert-info" data-testid={testId}>{t('outbox.queued')}</p>
      <Link className="m-btn m-btn-block" to="/outbox">{t('outbox.title')}</Link>
      <Link className="m-btn m-btn-block" to="/today">{t('patrol.today.title')}</Link>
    </div>
  );
}
