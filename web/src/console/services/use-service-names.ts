import { useCallback, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../shared/api';
import { useApi } from '../../shared/use-api';
import type { Catalogue, ServiceItem, ServicePoint } from './types';

/** Points in the order people read them: by subdistrict, then by the point's code (the API pages them by id). */
export function inPlaceOrder(points: ServicePoint[]): ServicePoint[] {
  const cmp = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
  return [...points].sort((a, b) => cmp(a.subdistrictId, b.subdistrictId) || cmp(a.code, b.code));
}

/** The catalogue's items and the points in scope, with names by id for the lists that carry only ids. */
export function useServiceNames() {
  const { i18n } = useTranslation();
  const en = i18n.language === 'en';
  const catalogue = useApi(() => api.get<Catalogue>('/api/services/catalogue'), []);
  const points = useApi(async () => ({ items: inPlaceOrder((await api.getAll<ServicePoint>('/api/services/points')).items) }), []);
  const items = useMemo<ServiceItem[]>(() => catalogue.data?.categories.flatMap((c) => c.items) ?? [], [catalogue.data]);
  const itemById = useMemo(() => new Map(items.map((i) => [i.id, i])), [items]);
  const pointById = useMemo(() => new Map((points.data?.items ?? []).map((p) => [p.id, p])), [points.data]);
  const itemName = useCallback(
    (id: string) => {
      const v = itemById.get(id)?.current;
      return v ? (en && v.nameEn ? v.nameEn : v.nameZh) : id;
    },
    [itemById, en],
  );
  const pointName = useCallback((id: string) => pointById.get(id)?.name ?? id, [pointById]);
  return { items, points: points.data?.items ?? [], itemName, pointName, reloadPoints: points.reload, error: catalogue.error ?? points.error };
}
