import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation, useNavigate } from 'react-router-dom';

/**
 * A thumb-sized back button and a title; back falls home when there is no history, and from the
 * role's page the app opened on (state `landed`) it is the home screen, whatever came before.
 */
export function TopBar({ title, back = true, right }: { title: ReactNode; back?: boolean; right?: ReactNode }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const landed = (useLocation().state as { landed?: boolean } | null)?.landed;
  return (
    <header className="m-bar">
      {back ? (
        <button type="button" className="m-back" aria-label={t('common.back')} onClick={() => (landed ? navigate('/', { replace: true }) : window.history.length > 1 ? navigate(-1) : navigate('/'))}>
          ‹ {t('common.back')}
        </button>
      ) : null}
      <h1>{title}</h1>
      {right}
    </header>
  );
}
