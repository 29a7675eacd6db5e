import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';

/** A thumb-sized back button and a title; back falls home when there is no history. */
export function TopBar({ title, back = true, right }: { title: ReactNode; back?: boolean; right?: ReactNode }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  return (
    <header className="m-bar">
      {back ? (
        <button type="button" className="m-back" aria-label={t('common.back')} onClick={() => (window.history.length > 1 ? navigate(-1) : navigate('/'))}>
          ‹ {t('common.back')}
        </button>
      ) : null}
      <h1>{title}</h1>
      {right}
    </header>
  );
}
