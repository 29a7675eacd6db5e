import { api } from '../../shared/api';
import { useApi } from '../../shared/use-api';

export interface HandlingUnit {
  id: string;
  subdistrictId: string;
  committeeId: string | null;
  kind: string;
  name: string;
  status: string;
}

/** Active handling units of my subdistricts (the dispatch targets). */
export function useUnits() {
  const r = useApi(() => api.get<{ items: HandlingUnit[] }>('/api/handling-units'), []);
  return (r.data?.items ?? []).filter((u) => u.status === 'active');
}
