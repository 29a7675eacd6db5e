import { useTranslation } from 'react-i18next';
import { toggleLang } from './i18n';

/** One button: shows the other language's name and switches to it. */
export function LangSwitch({ className = 'btn btn-ghost' }: { className?: string }) {
  const { t } = useTranslation();
  return (
    <button type="button" className={className} data-testid="lang-switch" onClick={toggleLang}>
      {t('common.switchLanguage')}
    </button>
  );
}
