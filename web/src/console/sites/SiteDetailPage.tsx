import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { api, ApiError } from '../../shared/api';
import { useAuth } from '../../shared/auth';
import { errorText } from '../../shared/errors';
import { SiteMap } from '../../shared/map/SiteMap';
import type { Marker, Site } from '../../shared/types';
import { useApi } from '../../shared/use-api';
import { NotFound } from '../NotFound';
import { SiteFacts } from './SiteFacts';
import { SiteHistory } from './SiteHistory';
import { OpenCasesNotice, openCasesOf } from '../staff/OpenCasesNotice';

export function SiteDetailPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const { can } = useAuth();
  const { data, error, loading } = useApi(() => api.get<Site>(`/api/sites/${encodeURIComponent(id)}`), [id]);
  const [site, setSite] = useState<Site | null>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const current = site && site.id === id ? site : data;
  const markers = useMemo<Marker[]>(
    () => (current ? [{ id: current.id, kind: current.kind, name: current.name, lng: current.lng, lat: current.lat, status: current.status, committeeId: current.committeeId }] : []),
    [current],
  );

  if (error instanceof ApiError && error.status === 404) return <NotFound />;
  if (error) return <p className="alert alert-error">{errorText(t, error)}</p>;
  if (loading || !current) return <p>{t('common.loading')}</p>;

  async function setStatus(action: 'retire' | 'restore', confirmOpenCases = false) {
    if (action === 'retire' && !confirmOpenCases && !window.confirm(t('site.retireConfirm'))) return;
    setActionError(null);
    try {
      setSite(await api.post<Site>(`/api/sites/${encodeURIComponent(id)}/${action}`, confirmOpenCases ? { confirmOpenCases } : undefined));
    } catch (err) {
      setActionError(err);
    }
  }

  return (
    <section className="site-detail">
      <div className="page-head">
        <h1 data-testid="site-name">{current.name}</h1>
        <div className="actions">
          <Link className="btn" to="/sites">
            {t('common.back')}
          </Link>
          {can('registry.write') ? (
            <>
              <Link className="btn btn-primary" to={`/sites/${id}/edit`} data-testid="site-edit">
                {t('common.edit')}
              </Link>
              {current.status === 'active' ? (
                <button type="button" className="btn btn-danger" data-testid="site-retire" onClick={() => void setStatus('retire')}>
                  {t('site.retire')}
                </button>
              ) : (
                <button type="button" className="btn" data-testid="site-restore" onClick={() => void setStatus('restore')}>
                  {t('site.restore')}
                </button>
              )}
            </>
          ) : null}
        </div>
      </div>
      {openCasesOf(actionError) ? (
        <>
          <OpenCasesNotice error={actionError} of="site" />
          <button type="button" className="btn btn-danger" data-testid="site-retire-anyway" onClick={() => void setStatus('retire', true)}>
            {t('openCases.retireAnyway')}
          </button>
        </>
      ) : actionError ? <p className="alert alert-error">{errorText(t, actionError)}</p> : null}
      <div className="detail-grid">
        <div className="card">
          <SiteFacts site={current} />
        </div>
        <SiteMap className="detail-map" markers={markers} />
      </div>
      {can('patrols.read') ? <SiteHistory siteId={current.id} /> : null}
    </section>
  );
}
