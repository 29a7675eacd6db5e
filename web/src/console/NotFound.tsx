import { useTranslation } from 'react-i18next';

/** The same answer as the API for anything out of scope or unknown: not found. */
export function NotFound() {
  const { t } = useTranslation();
  return (
    <p className="alert alert-error" data-testid="not-found">
      {t('common.notFound')}
    </p>
  );
}
