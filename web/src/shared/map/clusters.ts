/**
 * Clustering for many sites on one map (the registry has about a thousand): supercluster groups
 * nearby points per zoom level; only what lies in the view is drawn, as a circle with the count
 * that zooms in when tapped, or as the site's own dot once it stands apart. A handful of sites
 * (a search, one committee's units) is drawn as plain dots: a cluster would only hide them.
 */
import Supercluster from 'supercluster';

/** From this many markers on, they are clustered. */
export const CLUSTER_FROM = 150;
/** At this zoom and above every site is its own dot (a street's shops can be told apart). */
export const CLUSTER_MAX_ZOOM = 16;
const CLUSTER_RADIUS_PX = 56;

export interface ViewPoint<T> {
  /** Where it is drawn: GCJ-02 when the tiles are. */
  lng: number;
  lat: number;
  item: T;
}

export type Drawn<T> = { kind: 'point'; point: ViewPoint<T> } | { kind: 'cluster'; id: number; lng: number; lat: number; count: number };

export interface ClusterIndex<T> {
  /** What to draw in the bounding box [west, south, east, north] at `zoom`. */
  at(bbox: [number, number, number, number], zoom: number): Drawn<T>[];
  expansionZoom(clusterId: number): number;
}

export function clusterIndex<T>(points: ViewPoint<T>[]): ClusterIndex<T> {
  if (points.length < CLUSTER_FROM) {
    return {
      at: ([w, s, e, n]) => points.filter((p) => p.lng >= w && p.lng <= e && p.lat >= s && p.lat <= n).map((point) => ({ kind: 'point', point })),
      expansionZoom: () => CLUSTER_MAX_ZOOM + 1,
    };
  }
  const index = new Supercluster<{ i: number }>({ radius: CLUSTER_RADIUS_PX, maxZoom: CLUSTER_MAX_ZOOM });
  index.load(points.map((p, i) => ({ type: 'Feature', properties: { i }, geometry: { type: 'Point', coordinates: [p.lng, p.lat] } })));
  return {
    at(bbox, zoom) {
      return index.getClusters(bbox, Math.round(zoom)).map((f) => {
        const [lng, lat] = f.geometry.coordinates as [number, number];
        const props = f.properties as { cluster?: boolean; cluster_id?: number; point_count?: number; i?: number };
        return props.cluster
          ? { kind: 'cluster' as const, id: props.cluster_id!, lng, lat, count: props.point_count! }
          : { kind: 'point' as const, point: points[props.i!]! };
      });
    },
    expansionZoom: (id) => index.getClusterExpansionZoom(id),
  };
}

/** Size class of a cluster's circle by how many sites it holds. */
export const clusterSize = (count: number) => (count < 10 ? 's' : count < 100 ? 'm' : 'l');
