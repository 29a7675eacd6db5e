import { useTranslation } from 'react-i18next';
import { LangSwitch } from '../shared/LangSwitch';
import { ReportPage } from './ReportPage';
import { TrackPage } from './TrackPage';

/** Two pages, no router (it would only weigh on a slow link): /report and /report/t/{token}. */
export function PublicApp() {
  const { t } = useTranslation();
  const m = /^\/report\/t\/([A-Za-z0-9_-]+)\/?$/.exec(window.location.pathname);
  return (
    <div className="p-page">
      <header className="p-top">
        <a className="p-brand" href="/report">{t('pub.title')}</a>
        <LangSwitch className="p-lang" />
      </header>
      {m ? <TrackPage token={m[1]!} /> : <ReportPage />}
    </div>
  );
}
