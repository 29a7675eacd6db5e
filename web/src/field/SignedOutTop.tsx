import { useTranslation } from 'react-i18next';
import { LangSwitch } from '../shared/LangSwitch';

/** The top of the field app's pages shown without a session (sign-in, server unreachable): its name and the language switch. */
export function SignedOutTop() {
  const { t } = useTranslation();
  return (
    <div className="m-top">
      <h1>{t('common.fieldTitle')}</h1>
      <LangSwitch className="m-btn m-btn-ghost" />
    </div>
  );
}
