/**
 * The console's menu: a few groups, each a drop-down of pages, so the top bar never wraps at
 * 1366 px in either language. A new page adds one entry to MENU under the group it belongs to
 * (and its label to an i18n bundle); a group with one page the person may open is shown as a
 * plain link, a group with none is not shown.
 */
import '../../shared/i18n/services-console';
import '../../shared/i18n/services-window';
import '../../shared/i18n/homes';
import '../../shared/i18n/handling-units';
import { canOpenCatalogue } from '../catalogue/CataloguePage';

export type MenuGroupId = 'overview' | 'cases' | 'field' | 'registry' | 'services' | 'system';

export interface MenuEntry {
  group: MenuGroupId;
  to: string;
  /** i18n key of the entry's label. */
  label: string;
  /** Permission from GET /api/me the person must hold to see the entry. */
  permission: string;
  /** data-testid of the link; browser tests open it with test/browser/helpers/nav.ts. */
  testId: string;
  /** Extra condition beyond the permission (e.g. a page for some roles only). */
  when?: (ctx: { role: string; can: (p: string) => boolean }) => boolean;
}

/** The groups, in menu order; labels live under ux.menu.<id>. */
export const MENU_GROUPS: readonly MenuGroupId[] = ['overview', 'cases', 'field', 'registry', 'services', 'system'];

export const MENU: MenuEntry[] = [
  { group: 'overview', to: '/dashboard', label: 'dash.nav', permission: 'dashboard.read', testId: 'nav-dashboard' },
  { group: 'overview', to: '/today', label: 'homes.today.title', permission: 'coverage.read', testId: 'nav-today', when: ({ role }) => role === 'cadre' },
  { group: 'overview', to: '/setup', label: 'homes.setup.nav', permission: 'setup.read', testId: 'nav-setup' },
  { group: 'cases', to: '/cases', label: 'cases.nav', permission: 'cases.read', testId: 'nav-cases' },
  { group: 'cases', to: '/spot-checks', label: 'console.spotChecks.nav', permission: 'cases.spot_check', testId: 'nav-spot-checks' },
  { group: 'cases', to: '/enforcement', label: 'enforcement.nav', permission: 'enforcement.read', testId: 'nav-enforcement' },
  { group: 'field', to: '/coverage', label: 'patrol.nav.coverage', permission: 'coverage.read', testId: 'nav-coverage' },
  { group: 'field', to: '/campaigns', label: 'patrol.nav.campaigns', permission: 'coverage.read', testId: 'nav-campaigns' },
  { group: 'field', to: '/checklists', label: 'patrol.nav.checklists', permission: 'checklists.write', testId: 'nav-checklists' },
  { group: 'registry', to: '/sites', label: 'nav.sites', permission: 'registry.read', testId: 'nav-sites' },
  { group: 'registry', to: '/staff', label: 'nav.staff', permission: 'staff.read', testId: 'nav-staff' },
  { group: 'registry', to: '/handling-units', label: 'units.nav', permission: 'registry.write', testId: 'nav-handling-units' },
  {
    group: 'registry', to: '/catalogue', label: 'console.nav.catalogue', permission: 'catalogue.read', testId: 'nav-catalogue',
    when: ({ role, can }) => canOpenCatalogue(can, role),
  },
  { group: 'services', to: '/services/catalogue', label: 'yw.nav.catalogue', permission: 'services.read', testId: 'nav-yw-catalogue' },
  { group: 'services', to: '/services/network', label: 'yw.nav.network', permission: 'services.read', testId: 'nav-yw-network' },
  { group: 'services', to: '/services/records', label: 'yw.nav.records', permission: 'services.records.read', testId: 'nav-yw-records' },
  { group: 'services', to: '/services/ratings', label: 'yw.nav.ratings', permission: 'services.records.read', testId: 'nav-yw-ratings' },
  { group: 'services', to: '/services/ranking', label: 'yw.nav.ranking', permission: 'services.ratings.ranking', testId: 'nav-yw-ranking' },
  { group: 'services', to: '/services/appointments', label: 'yw.nav.appointments', permission: 'services.records.read', testId: 'nav-yw-appointments' },
  { group: 'services', to: '/services/figures', label: 'yw.nav.figures', permission: 'services.read', testId: 'nav-yw-figures' },
  { group: 'services', to: '/services/terminals', label: 'yw.nav.terminals', permission: 'services.read', testId: 'nav-yw-terminals' },
  { group: 'services', to: '/services/window', label: 'ywWin.nav', permission: 'services.serve', testId: 'nav-yw-window' },
  { group: 'system', to: '/notifications', label: 'console.nav.notifications', permission: 'notifications.admin', testId: 'nav-notifications' },
  { group: 'system', to: '/calendar', label: 'console.calendar.nav', permission: 'calendar.write', testId: 'nav-calendar' },
  { group: 'system', to: '/audit', label: 'account.audit.nav', permission: 'audit.read', testId: 'nav-audit', when: ({ role }) => role === 'admin' },
  { group: 'system', to: '/jobs', label: 'console.jobs.nav', permission: 'jobs.run', testId: 'nav-jobs' },
  { group: 'system', to: '/tokens', label: 'console.nav.tokens', permission: 'tokens.manage', testId: 'nav-tokens' },
  { group: 'system', to: '/open311', label: 'o311.nav', permission: 'open311.keys', testId: 'nav-open311' },
];

/** The entries a person sees, grouped in menu order; empty groups left out. */
export function visibleMenu(ctx: { role: string; can: (p: string) => boolean }, menu: MenuEntry[] = MENU) {
  return MENU_GROUPS.map((id) => ({
    id,
    entries: menu.filter((e) => e.group === id && ctx.can(e.permission) && (!e.when || e.when(ctx))),
  })).filter((g) => g.entries.length > 0);
}
