import '../../shared/i18n/services-console';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../shared/api';
import { useAuth } from '../../shared/auth';
import { errorText } from '../../shared/errors';
import { useApi } from '../../shared/use-api';
import { useUrlState } from '../../shared/use-url-state';
import { ItemGuide } from './ItemGuide';
import type { Catalogue, ServiceItemDetail } from './types';
import { VersionForm } from './VersionForm';
import './services.css';

/** 事项目录: categories → items with search; an item's 办事指南 with its versions; administrators publish the next version. */
export function ServiceCataloguePage() {
  const { t, i18n } = useTranslation();
  const en = i18n.language === 'en';
  const { can, me } = useAuth();
  // The catalogue is one for the district: only a district-level administrator (no home subdistrict) changes it.
  const mayWrite = can('services.catalogue.write') && (me?.user as { subdistrictId?: string | null } | undefined)?.subdistrictId === null;
  const [params, setParams] = useUrlState();
  const q = params.get('q') ?? '';
  const categoryId = params.get('category') ?? '';
  const itemId = params.get('item');
  const setParam = (k: string, v: string | null) => setParams((p) => { if (v) p.set(k, v); else p.delete(k); return p; });
  const [typed, setTyped] = useState(q);
  const [versionId, setVersionId] = useState<string | null>(null);
  const [editing, setEditing] = useState(false);
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | null>(null);

  const catalogue = useApi(() => api.get<Catalogue>('/api/services/catalogue', { q: q || undefined, categoryId: categoryId || undefined }), [q, categoryId]);
  const all = useApi(() => api.get<Catalogue>('/api/services/catalogue'), []);
  const item = useApi(() => (itemId ? api.get<ServiceItemDetail>(`/api/services/items/${encodeURIComponent(itemId)}`) : Promise.resolve(null)), [itemId]);
  useEffect(() => { setVersionId(null); setEditing(false); }, [itemId]);

  const categories = useMemo(() => all.data?.categories ?? [], [all.data]);
  const shown = catalogue.data?.categories.filter((c) => c.items.length > 0) ?? [];
  const itemName = (v: { nameZh: string; nameEn: string } | null) => (v ? (en && v.nameEn ? v.nameEn : v.nameZh) : '');

  return (
    <section className="yw-page" data-testid="yw-catalogue-page">
      <div className="page-head">
        <h1>{t('yw.catalogue.title')}</h1>
      </div>
      <p className="muted">{t('yw.catalogue.hint')}</p>
      {can('services.catalogue.write') && !mayWrite ? <p className="muted" data-testid="yw-cat-district-only">{t('yw.catalogue.districtOnly')}</p> : null}
      <form className="filters" onSubmit={(e) => { e.preventDefault(); setParam('q', typed.trim() || null); }}>
        <input type="search" value={typed} onChange={(e) => setTyped(e.target.value)} placeholder={t('yw.catalogue.search')} aria-label={t('yw.catalogue.search')} data-testid="yw-cat-search" />
        <button type="submit" className="btn">{t('common.search')}</button>
        <select value={categoryId} onChange={(e) => setParam('category', e.target.value || null)} data-testid="yw-cat-category" aria-label={t('yw.catalogue.category')}>
          <option value="">{t('yw.catalogue.allCategories')}</option>
          {categories.map((c) => <option key={c.id} value={c.id}>{en ? c.nameEn : c.nameZh}（{c.items.length}）</option>)}
        </select>
      </form>
      {catalogue.error ? <p className="alert alert-error">{errorText(t, catalogue.error)}</p> : null}
      {msg ? <p className={`alert ${msg.ok ? 'alert-ok' : 'alert-error'}`} data-testid={msg.ok ? 'yw-cat-published' : 'yw-cat-stale'}>{msg.text}</p> : null}
      <div className="yw-split">
        <div className="yw-list" data-testid="yw-cat-tree">
          <p className="muted" data-testid="yw-cat-count">{catalogue.data ? t('yw.catalogue.itemCount', { count: catalogue.data.itemCount }) : t('common.loading')}</p>
          {shown.map((c) => (
            <details key={c.id} open={!!q || !!categoryId || c.items.some((i) => i.id === itemId)} className="yw-category" data-testid={`yw-cat-${c.code}`}>
              <summary>
                <small className="qr-plate">{c.ticketPrefix}</small> {en ? c.nameEn : c.nameZh} <small className="muted">{t('yw.catalogue.count', { count: c.items.length })}</small>
              </summary>
              <ul>
                {c.items.map((i) => (
                  <li key={i.id}>
                    <button
                      type="button"
                      className={`yw-item${i.id === itemId ? ' selected' : ''}`}
                      onClick={() => { setMsg(null); setParam('item', i.id); }}
                      data-testid={`yw-item-${i.implCode}`}
                    >
                      {itemName(i.current) || i.implCode} <small className="muted">{i.implCode}</small>
                    </button>
                  </li>
                ))}
              </ul>
            </details>
          ))}
        </div>
        <div>
          {item.error ? <p className="alert alert-error">{errorText(t, item.error)}</p> : null}
          {!itemId ? <p className="muted card">{t('yw.catalogue.select')}</p> : null}
          {item.data && editing ? (
            <VersionForm
              key={`${item.data.id}-${item.data.latestVersion}`}
              item={item.data}
              onPublished={(saved) => {
                const v = saved.versions[0]!;
                setMsg({ ok: true, text: t('yw.catalogue.published', { n: v.version, date: v.effectiveFrom }) });
                setEditing(false);
                setVersionId(v.id);
                item.reload();
                catalogue.reload();
              }}
              onStale={() => {
                setMsg({ ok: false, text: t('yw.catalogue.stale') });
                setEditing(false);
                item.reload();
              }}
              onCancel={() => setEditing(false)}
            />
          ) : null}
          {item.data && !editing ? (
            <ItemGuide
              item={item.data}
              versionId={versionId}
              onVersion={setVersionId}
              actions={mayWrite ? (
                <button type="button" className="btn btn-primary" onClick={() => { setMsg(null); setEditing(true); }} data-testid="yw-publish">
                  {t('yw.catalogue.publish')}
                </button>
              ) : null}
            />
          ) : null}
        </div>
      </div>
    </section>
  );
}
