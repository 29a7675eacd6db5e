import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { api, ApiError } from '../shared/api';
import { errorText } from '../shared/errors';
import { formatHours } from '../shared/format';
import { KIND_COLORS } from '../shared/map/kind-colors';
import type { Site } from '../shared/types';
import { useApi } from '../shared/use-api';
import { TopBar } from './TopBar';
import { MaskedPhone } from '../shared/MaskedPhone';
import { NavigateLinks } from './NavigateLinks';
import '../shared/i18n/field-map';

export function FieldSitePage() {
  const { id = '' } = useParams();
  const { t, i18n } = useTranslation();
  const en = i18n.language === 'en';
  const { data: site, error } = useApi(() => api.get<Site>(`/api/sites/${encodeURIComponent(id)}`), [id]);
  const none = t('common.none');

  let body;
  if (error) body = <p className="alert alert-error" data-testid="not-found">{error instanceof ApiError && error.status === 404 ? t('common.notFound') : errorText(t, error)}</p>;
  else if (!site) body = <p>{t('common.loading')}</p>;
  else {
    const p = site.responsibleParty;
    body = (
      <article className="m-site">
        <h2 data-testid="m-site-name">{site.name}</h2>
        <p>
          <span className="m-item-kind" style={{ background: KIND_COLORS[site.kind] }}>{t(`kinds.${site.kind}`)}</span>{' '}
          <span className={`badge badge-${site.status}`}>{t(`statuses.${site.status}`)}</span>
        </p>
        <p className="m-address">{site.address}</p>
        <NavigateLinks at={site} name={site.name} />
        <Link className="m-btn m-btn-block" to={`/map?site=${encodeURIComponent(site.id)}`} data-testid="site-on-map">{t('fmap.showOnMap')}</Link>
        <dl className="facts m-facts">
          <dt>{t('site.committee')}</dt>
          <dd>{en ? site.committeeNameEn : site.committeeName}</dd>
          <dt>{t('site.grid')}</dt>
          <dd>{site.gridCode ?? none}</dd>
          {site.kind === 'bin_room' ? (
            <>
              <dt>{t('site.disposalHours')}</dt>
              <dd>{formatHours(site.disposalHours) || none}</dd>
            </>
          ) : null}
          <dt>{t('site.qrCode')}</dt>
          <dd>{site.qrCode ?? none}</dd>
          <dt>{t('site.responsibleParty')}</dt>
          <dd>{p?.name ?? t('site.notRegistered')}</dd>
          <dt>{t('site.contact')}</dt>
          <dd>{p?.contactName ?? none}</dd>
        </dl>
        {p?.contactPhone && !p.contactPhone.includes('*') ? (
          <a className="m-btn m-btn-primary m-btn-block" href={`tel:${p.contactPhone}`}>
            {t('field.call')} {p.contactPhone}
          </a>
        ) : p?.contactPhone ? (
          <p>
            {t('field.call')} <MaskedPhone phone={p.contactPhone} kind="party" id={p.id ?? ""} />
          </p>
        ) : null}
        <Link className="m-btn m-btn-block" to="/">
          {t('field.home')}
        </Link>
      </article>
    );
  }
  return (
    <div className="m-page">
      <TopBar title={site?.name ?? t('common.loading')} />
      {body}
    </div>
  );
}
