import { useTranslation } from 'react-i18next';
import { formatHours, formatTime } from '../../shared/format';
import type { Site } from '../../shared/types';
import { MaskedPhone } from '../../shared/MaskedPhone';

/** The facts of one site, shared by the detail page's layout. */
export function SiteFacts({ site }: { site: Site }) {
  const { t, i18n } = useTranslation();
  const en = i18n.language === 'en';
  const p = site.responsibleParty;
  const none = t('common.none');
  return (
    <dl className="facts" data-testid="site-facts">
      <dt>{t('site.kind')}</dt>
      <dd>{t(`kinds.${site.kind}`)}</dd>
      <dt>{t('site.address')}</dt>
      <dd>{site.address}</dd>
      <dt>{t('site.committee')}</dt>
      <dd>{en ? site.committeeNameEn : site.committeeName}</dd>
      <dt>{t('site.grid')}</dt>
      <dd>{site.gridCode ?? none}</dd>
      <dt>{t('site.status')}</dt>
      <dd>
        <span className={`badge badge-${site.status}`}>{t(`statuses.${site.status}`)}</span>
      </dd>
      <dt>{t('site.responsibleParty')}</dt>
      <dd data-testid="site-party">{p ? p.name : t('site.notRegistered')}</dd>
      {p ? (
        <>
          <dt>{t('site.partyKind')}</dt>
          <dd>{t(`partyKinds.${p.kind}`)}</dd>
          <dt>{t('site.contact')}</dt>
          <dd>{p.contactName ?? none}</dd>
          <dt>{t('site.phone')}</dt>
          <dd><MaskedPhone phone={p.contactPhone} kind="party" id={p.id ?? ""} /></dd>
        </>
      ) : null}
      {site.kind === 'bin_room' ? (
        <>
          <dt>{t('site.disposalHours')}</dt>
          <dd data-testid="site-hours">{formatHours(site.disposalHours) || none}</dd>
        </>
      ) : null}
      <dt>{t('site.qrCode')}</dt>
      <dd>{site.qrCode ? <code className="qr-plate">{site.qrCode}</code> : none}</dd>
      <dt>{t('site.coordinates')}</dt>
      <dd>
        {site.lng.toFixed(6)}, {site.lat.toFixed(6)}
      </dd>
      <dt>{t('site.updatedAt')}</dt>
      <dd>{formatTime(site.updatedAt, i18n.language)}</dd>
    </dl>
  );
}
