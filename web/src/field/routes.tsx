import '../shared/i18n/field-app';
import { type ComponentType, lazy, type ReactNode, Suspense } from 'react';
import { FieldSitePage } from './FieldSitePage';
import { InboxPage } from './inbox/InboxPage';
import { NearbyPage } from './NearbyPage';
import { OutboxPage } from './offline/OutboxPage';
import { CheckinPage } from './patrol/CheckinPage';
import { InspectPage } from './patrol/InspectPage';
import { TodayPage } from './patrol/TodayPage';
import { ReportPage } from './cases/ReportPage';
import { TasksPage } from './cases/TasksPage';

/**
 * A page loaded on first use, to keep the field app's first load within its budget (the map
 * brings Leaflet; the enforcement pages are for one role). The service worker precaches these
 * chunks, so they open offline too.
 */
function lazyPage(load: () => Promise<ComponentType>): ReactNode {
  const Page = lazy(() => load().then((c) => ({ default: c })));
  return (
    <Suspense fallback={<p className="m-loading">…</p>}>
      <Page />
    </Suspense>
  );
}

/**
 * The field app's pages. A page with a `tile` also appears as a big tile on the home screen,
 * offered only to roles holding `permission`. Later features (check-in, report, my tasks)
 * add one entry here.
 */
export interface FieldRoute {
  path: string;
  element: ReactNode;
  tile?: { label: string; hint: string; icon: string; permission: string; testId: string };
}

/** The page each role's day starts with on the phone: opened on arrival, its tile first on the home. */
export const ROLE_HOME: Record<string, string> = { patrol: 'today', cadre: 'today', handler: 'tasks', enforcement: 'enforcement' };

export const FIELD_ROUTES: FieldRoute[] = [
  {
    path: 'nearby',
    element: <NearbyPage />,
    tile: { label: 'field.nearby', hint: 'field.nearbyHint', icon: '◎', permission: 'registry.read', testId: 'tile-nearby' },
  },
  {
    path: 'map',
    element: lazyPage(() => import('./FieldMapPage').then((m) => m.FieldMapPage)),
    tile: { label: 'fmap.tile', hint: 'fmap.tileHint', icon: '◈', permission: 'registry.read', testId: 'tile-map' },
  },
  { path: 'sites/:id', element: <FieldSitePage /> },
  { path: 'outbox', element: <OutboxPage /> },
  { path: 'inbox', element: <InboxPage /> },
  {
    path: 'today',
    element: <TodayPage />,
    tile: { label: 'patrol.today.title', hint: 'patrol.today.hint', icon: '✓', permission: 'inspections.record', testId: 'tile-today' },
  },
  { path: 'checkin/:id', element: <CheckinPage /> },
  { path: 'inspect/:id', element: <InspectPage /> },
  {
    path: 'enforcement',
    element: lazyPage(() => import('./enforcement/EnforcementHomePage').then((m) => m.EnforcementHomePage)),
    tile: { label: 'fieldx.tiles.enforcement', hint: 'fieldx.tiles.enforcementHint', icon: '⚖', permission: 'enforcement.act', testId: 'tile-enforcement' },
  },
  { path: 'enforcement/new', element: lazyPage(() => import('./enforcement/OpenLadderPage').then((m) => m.OpenLadderPage)) },
  { path: 'enforcement/:id', element: lazyPage(() => import('./enforcement/LadderStepPage').then((m) => m.LadderStepPage)) },
  {
    path: 'report',
    element: <ReportPage />,
    tile: { label: 'cases.field.report', hint: 'cases.field.reportHint', icon: '⚑', permission: 'inspections.record', testId: 'tile-report' },
  },
  {
    path: 'self-resolve',
    element: <ReportPage selfResolved key="self" />,
    tile: { label: 'cases.field.selfResolve', hint: 'cases.field.selfResolveHint', icon: '✔', permission: 'inspections.record', testId: 'tile-self-resolve' },
  },
  {
    path: 'tasks',
    element: <TasksPage />,
    tile: { label: 'cases.field.tasks', hint: 'cases.field.tasksHint', icon: '☰', permission: 'cases.read', testId: 'tile-tasks' },
  },
  // The task page carries the case's timeline and before/after photos: loaded when a task is opened.
  { path: 'cases/:id', element: lazyPage(() => import('./cases/TaskPage').then((m) => m.TaskPage)) },
];
