import '../../shared/i18n/console';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../shared/api';
import { useAuth, useMe } from '../../shared/auth';
import { errorText } from '../../shared/errors';
import { useApi } from '../../shared/use-api';
import { type Category, CHILD_LEVEL, type CategoryNode, findNode } from './catalogue-types';
import { CategoryEditor, type EditorTarget } from './CategoryEditor';
import './catalogue.css';

type Selection = { mode: 'edit'; id: string } | { mode: 'create'; parentId: string | null } | null;

/** Administrators keep the catalogue; the desk (operators) reads it with its limits. */
export function canOpenCatalogue(can: (p: string) => boolean, role: string | undefined) {
  return can('catalogue.write') || (role === 'operator' && can('catalogue.read'));
}

/** The problem catalogue: class → sub-class → working standard, each with its stage limits. */
export function CataloguePage() {
  const { t, i18n } = useTranslation();
  const en = i18n.language === 'en';
  const { can } = useAuth();
  const { places } = useMe();
  const readOnly = !can('catalogue.write');
  const [subdistrictId, setSubdistrictId] = useState(places.subdistricts[0]?.id ?? '');
  const [showInactive, setShowInactive] = useState(true);
  const [sel, setSel] = useState<Selection>(null);
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | null>(null);
  const [stamp, setStamp] = useState(0);
  const tree = useApi(
    () => api.get<{ items: CategoryNode[] }>('/api/catalogue', { subdistrictId, includeInactive: showInactive ? 'true' : undefined }),
    [subdistrictId, showInactive],
  );
  const items = tree.data?.items ?? [];

  let target: EditorTarget | null = null;
  if (sel?.mode === 'edit') {
    const c = findNode(items, sel.id);
    if (c) target = { mode: 'edit', category: c };
  } else if (sel?.mode === 'create') {
    const parent = findNode(items, sel.parentId);
    target = { mode: 'create', parent, level: parent ? (CHILD_LEVEL[parent.level] ?? 'standard') : 'class', subdistrictId };
  }

  const name = (c: Category) => (en ? c.nameEn : c.nameZh);
  const hours = (c: Category) =>
    t('console.catalogue.hours', { file: c.fileHours, dispatch: c.dispatchHours, handle: c.handleHours, check: c.checkHours });

  function renderNode(n: CategoryNode, depth: number) {
    const child = CHILD_LEVEL[n.level];
    const current = sel?.mode === 'edit' && sel.id === n.id;
    return (
      <li key={n.id} className={`cat-node cat-${n.level}${n.active ? '' : ' cat-inactive'}`} data-testid={`cat-node-${n.code}`} data-id={n.id} data-active={n.active}>
        <div className={`cat-row${current ? ' selected' : ''}`} style={{ paddingLeft: `${depth * 1.25}rem` }}>
          <button type="button" className="cat-open" onClick={() => { setMsg(null); setSel({ mode: 'edit', id: n.id }); }} data-testid={`cat-open-${n.code}`}>
            <small className="cat-code">{n.code}</small> {name(n)}
          </button>
          {n.level === 'standard' ? (
            <span className="cat-meta">
              {hours(n)} · {t(`console.catalogue.modeShort.${n.limitMode}`)} · {t(`console.catalogue.severities.${n.severity}`)}
            </span>
          ) : null}
          {!n.active ? <span className="badge badge-retired">{t('console.catalogue.inactive')}</span> : null}
          {child && !readOnly ? (
            <button type="button" className="btn btn-small btn-ghost" onClick={() => { setMsg(null); setSel({ mode: 'create', parentId: n.id }); }} data-testid={`cat-add-${n.code}`}>
              + {t('console.catalogue.addChild', { level: t(`console.catalogue.level.${child}`) })}
            </button>
          ) : null}
        </div>
        {n.children.length ? <ul>{n.children.map((c) => renderNode(c, depth + 1))}</ul> : null}
      </li>
    );
  }

  return (
    <section className="catalogue-page" data-testid="catalogue-page">
      <div className="page-head">
        <h1>{t('console.catalogue.title')}</h1>
        {!readOnly ? (
          <button type="button" className="btn btn-primary" onClick={() => { setMsg(null); setSel({ mode: 'create', parentId: null }); }} data-testid="cat-add-class">
            + {t('console.catalogue.addClass')}
          </button>
        ) : null}
      </div>
      <p className="muted">{t('console.catalogue.hint')}</p>
      {readOnly ? <p className="alert alert-info" data-testid="cat-readonly">{t('console.catalogue.readOnly')}</p> : null}
      <div className="filters">
        {places.subdistricts.length > 1 ? (
          <label className="field">
            <span>{t('console.catalogue.subdistrict')}</span>
            <select value={subdistrictId} onChange={(e) => { setSel(null); setSubdistrictId(e.target.value); }} data-testid="cat-subdistrict">
              {places.subdistricts.map((s) => <option key={s.id} value={s.id}>{en ? s.nameEn : s.name}</option>)}
            </select>
          </label>
        ) : null}
        <label>
          <input type="checkbox" checked={showInactive} onChange={(e) => setShowInactive(e.target.checked)} data-testid="cat-show-inactive" /> {t('console.catalogue.showInactive')}
        </label>
      </div>
      {msg ? <p className={`alert ${msg.ok ? 'alert-ok' : 'alert-error'}`} data-testid={msg.ok ? 'cat-saved' : 'cat-conflict'}>{msg.text}</p> : null}
      {tree.error ? <p className="alert alert-error">{errorText(t, tree.error)}</p> : null}
      <div className="catalogue-split">
        <ul className="cat-tree" data-testid="cat-tree">{items.map((n) => renderNode(n, 0))}</ul>
        <div>
          {target ? (
            <CategoryEditor
              key={`${target.mode}-${target.mode === 'edit' ? `${target.category.id}-${target.category.version}` : (target.parent?.id ?? 'root')}-${stamp}`}
              target={target}
              readOnly={readOnly}
              onSaved={(c, created) => {
                setMsg({ ok: true, text: t(created ? 'console.catalogue.created' : 'console.catalogue.saved', { name: name(c) }) });
                setSel({ mode: 'edit', id: c.id });
                tree.reload();
              }}
              onStale={() => {
                setMsg({ ok: false, text: t('console.catalogue.conflict') });
                setStamp((n) => n + 1);
                tree.reload();
              }}
              onCancel={() => setSel(null)}
            />
          ) : (
            <p className="muted card">{t('console.catalogue.select')}</p>
          )}
        </div>
      </div>
    </section>
  );
}
