import type { PointKind, PointStatus } from './types';

/** Map and legend colours of the service points by kind; planned points are drawn hollow, closed ones grey. */
export const POINT_COLORS: Record<PointKind, string> = {
  centre: '#7c3aed',
  branch: '#a855f7',
  committee_window: '#15803d',
  building_window: '#1d4ed8',
  self_service_zone: '#c2410c',
  terminal: '#0891b2',
};
export const GRID_COLORS = { built: '#15803d', planned: '#d97706', uncovered: '#b91c1c' } as const;
export const OUT_OF_REACH = '#dc2626';

export const pointColor = (kind: PointKind, status: PointStatus) => (status === 'closed' ? '#9ca3af' : POINT_COLORS[kind]);
