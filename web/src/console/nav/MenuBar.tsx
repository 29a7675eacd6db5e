import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { NavLink, useLocation } from 'react-router-dom';
import { useAuth, useMe } from '../../shared/auth';
import '../../shared/i18n/ux';
import { visibleMenu } from './menu';
import './menu.css';

/**
 * The top bar's menu: one drop-down per group (a disclosure button and its list of links), a
 * plain link when a group holds one page. Opens on click or Enter/Space, closes on Escape, on a
 * click elsewhere and after navigating.
 */
export function MenuBar() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const me = useMe();
  const location = useLocation();
  const [open, setOpen] = useState<string | null>(null);
  const ref = useRef<HTMLElement>(null);
  const groups = visibleMenu({ role: me.user.role, can });

  useEffect(() => setOpen(null), [location.pathname]);
  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (ref.current && !ref.current.contains(e.target as Node)) setOpen(null);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      // Focus on a link of the list would be lost when the list hides: it goes back to the group's button.
      const group = ref.current?.querySelector<HTMLElement>(`[data-testid="navgroup-${open}"]`);
      if (group?.parentElement?.contains(document.activeElement)) group.focus();
      setOpen(null);
    };
    document.addEventListener('mousedown', onDown);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('mousedown', onDown);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);

  const isActive = (to: string) => location.pathname === to || location.pathname.startsWith(`${to}/`);
  return (
    <nav className="mainnav" ref={ref} aria-label={t('ux.menu.label')}>
      {groups.map((g) =>
        g.entries.length === 1 ? (
          <NavLink key={g.id} to={g.entries[0]!.to} data-testid={g.entries[0]!.testId} data-group={g.id} className="menu-top">
            {t(g.entries[0]!.label)}
          </NavLink>
        ) : (
          <div key={g.id} className={`menu-group${open === g.id ? ' open' : ''}`}>
            <button
              type="button"
              className={`menu-top${g.entries.some((e) => isActive(e.to)) ? ' active' : ''}`}
              aria-expanded={open === g.id}
              aria-controls={`menu-${g.id}`}
              data-testid={`navgroup-${g.id}`}
              onClick={() => setOpen(open === g.id ? null : g.id)}
            >
              {t(`ux.menu.${g.id}`)}
              <span className="menu-caret" aria-hidden="true">▾</span>
            </button>
            <ul id={`menu-${g.id}`} className="menu-list" hidden={open !== g.id}>
              {g.entries.map((e) => (
                <li key={e.to}>
                  <NavLink to={e.to} data-testid={e.testId} data-group={g.id} onClick={() => setOpen(null)}>
                    {t(e.label)}
                  </NavLink>
                </li>
              ))}
            </ul>
          </div>
        ),
      )}
    </nav>
  );
}
