import { useMemo } from 'react';
import { api } from '../../shared/api';
import { useAuth } from '../../shared/auth';
import { useApi } from '../../shared/use-api';
import { usePosition } from '../use-position';
import { routeOrder } from './route-order';

export interface DueSite {
  id: string;
  kind: 'bin_room' | 'institution' | 'shop';
  name: string;
  address: string;
  lat: number;
  lng: number;
  /** 'checkin' (a bin room's window) or 'inspection:<grade>' ('inspection:new' before the first). */
  reason: string;
  window: string | null;
  /** A bin room whose disposal window opens more than half an hour from now. */
  later?: boolean;
  distanceM: number | null;
}

interface TodaysRoute { total: number; dueNow?: number; items: DueSite[] }

/** How many due sites the route takes (the nearest ones, from the server). */
const ROUTE_LIMIT = 100;

/** Today's due sites near me, in walking order from where I am (route-order.ts). */
export function useTodaysRoute() {
  const pos = usePosition();
  const here = pos.status === 'ok' ? pos.position : null;
  const ready = pos.status !== 'locating';
  // Roles without patrol duties (handlers) have no route: the map shows nearby sites only.
  const allowed = useAuth().can('patrols.read');
  const list = useApi(
    () => (!allowed ? Promise.resolve<TodaysRoute>({ total: 0, items: [] }) : ready ? api.get<TodaysRoute>('/api/coverage/today', { lat: here?.lat, lng: here?.lng, limit: ROUTE_LIMIT }) : new Promise<never>(() => {})),
    [allowed, ready, here?.lat, here?.lng],
  );
  const stops = useMemo(() => routeOrder(list.data?.items ?? [], here), [list.data, here]);
  return { pos, here, list, stops };
}

/** The compliance grade a due shop or unit shows, or null for a bin room. */
export const gradeOf = (s: DueSite) => (s.reason.startsWith('inspection:') ? s.reason.slice('inspection:'.length) : null);
