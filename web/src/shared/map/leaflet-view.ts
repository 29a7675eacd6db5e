/**
 * Everything that touches Leaflet. Loaded with a dynamic import so Leaflet stays out of the
 * initial JS of both apps. Positions in and out of this module are WGS-84; when the tiles are
 * GCJ-02 (天地图/高德 style) they are shifted for display and shifted back for clicks.
 */
import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import { gcj02ToWgs84, type LngLat, wgs84ToGcj02 } from '../geo/gcj02';
import type { ClientConfig, Marker } from '../types';
import { BASE_AREAS, BASE_ROADS, DEFAULT_VIEW } from './basemap-data';
import { CLUSTER_MAX_ZOOM, clusterIndex, type ClusterIndex, clusterSize, type ViewPoint } from './clusters';
import { KIND_COLORS } from './kind-colors';

/** A marker with an optional short label drawn beside it (a stop's number on today's route). */
export type MapMarker = Marker & { label?: string };

export interface SiteMapOptions {
  config: ClientConfig;
  lang: string;
  offlineLabel: string;
  renderPopup(marker: Marker): HTMLElement;
  onPick?(p: LngLat): void;
  /** Text of a cluster's title (for screen readers and a long press): "N sites, tap to zoom in". */
  clusterTitle(count: number): string;
  /** The map's accessible name when it picks a point: how to pick one with the keyboard. */
  pickLabel?: string;
}

export interface SiteMapController {
  setMarkers(markers: MapMarker[], fit: boolean): void;
  focus(id: string): void;
  /** Marks a position (the phone's, a picked point); `center` opens the map on it, close up. */
  setPin(p: LngLat | null, center?: boolean): void;
  /** A line through the positions in order (today's route), or none. */
  setRoute(points: LngLat[] | null): void;
  destroy(): void;
}

function subdomainsFor(url: string): string | string[] {
  if (url.includes('tianditu')) return ['0', '1', '2', '3', '4', '5', '6', '7'];
  if (url.includes('autonavi') || url.includes('amap')) return ['1', '2', '3', '4'];
  return 'abc';
}

function drawOfflineBasemap(map: L.Map, lang: string) {
  for (const a of BASE_AREAS) {
    const e = a.extent;
    L.rectangle(
      [
        [e.minLat, e.minLng],
        [e.maxLat, e.maxLng],
      ],
      { color: '#9aa7a0', weight: 1, dashArray: '4 4', fillColor: '#eef3ee', fillOpacity: 1, interactive: false },
    ).addTo(map);
  }
  for (const r of BASE_ROADS) {
    const line = r.line.map(([lng, lat]) => [lat, lng] as [number, number]);
    L.polyline(line, { color: '#c9cfd3', weight: 9, interactive: false }).addTo(map);
    L.polyline(line, { color: '#ffffff', weight: 6, interactive: false }).addTo(map);
    const mid = line[Math.floor(line.length / 2)] ?? line[0]!;
    const end = line[line.length - 1]!;
    const at: [number, number] = [(mid[0] + end[0]) / 2, (mid[1] + end[1]) / 2];
    L.tooltip({ permanent: true, direction: 'center', className: 'road-label', interactive: false })
      .setLatLng(at)
      .setContent(lang === 'en' ? r.nameEn : r.name)
      .addTo(map);
  }
}

export interface BaseMap {
  map: L.Map;
  /** WGS-84 → the tiles' coordinates (GCJ-02 when the tiles are). */
  toView(p: LngLat): L.LatLngTuple;
  fromView(ll: L.LatLng): LngLat;
}

/**
 * A Leaflet map on the deployment's tiles, or on the offline basemap when none are configured
 * (no request leaves the machine). Other map views draw their own layers on it.
 */
export function createBaseMap(el: HTMLElement, opts: Pick<SiteMapOptions, 'config' | 'lang' | 'offlineLabel'>): BaseMap {
  const { tileUrl, tileCrs } = opts.config.map;
  const shift = !!tileUrl && tileCrs === 'gcj02';
  const toView = (p: LngLat): L.LatLngTuple => {
    const q = shift ? wgs84ToGcj02(p) : p;
    return [q.lat, q.lng];
  };
  const fromView = (ll: L.LatLng): LngLat => {
    const p = { lng: ll.lng, lat: ll.lat };
    return shift ? gcj02ToWgs84(p) : p;
  };

  const map = L.map(el, { zoomControl: true, attributionControl: true, preferCanvas: false, maxZoom: 19 });
  map.setView(toView(DEFAULT_VIEW), DEFAULT_VIEW.zoom);
  if (tileUrl) {
    L.tileLayer(tileUrl, { subdomains: subdomainsFor(tileUrl), maxZoom: 18 }).addTo(map);
  } else {
    el.classList.add('offline-basemap');
    map.attributionControl.setPrefix(false).addAttribution(opts.offlineLabel);
    drawOfflineBasemap(map, opts.lang);
  }
  return { map, toView, fromView };
}

/**
 * Picking without a pointer (a keyboard, a screen reader, no GPS): the focused map shows a cross at
 * its centre, the arrow keys pan it (Leaflet's keyboard handler) and Enter or Space picks the centre.
 */
function enableKeyboardPick(map: L.Map, label: string, pickCentre: () => void) {
  const el = map.getContainer();
  el.setAttribute('role', 'application');
  if (label) el.setAttribute('aria-label', label);
  if (el.tabIndex < 0) el.tabIndex = 0;
  const cross = document.createElement('div');
  cross.className = 'map-crosshair';
  cross.setAttribute('aria-hidden', 'true');
  // Inline: the map is shared by apps with different stylesheets.
  Object.assign(cross.style, {
    position: 'absolute', left: '50%', top: '50%', width: '28px', height: '28px', margin: '-14px 0 0 -14px',
    zIndex: '650', pointerEvents: 'none', display: 'none',
    background: 'linear-gradient(#111827, #111827) center / 2px 100% no-repeat, linear-gradient(#111827, #111827) center / 100% 2px no-repeat',
    filter: 'drop-shadow(0 0 1px #ffffff) drop-shadow(0 0 1px #ffffff)',
  });
  el.append(cross);
  // Only the map itself: Enter on a zoom button or a marker inside it does what that control does.
  el.addEventListener('focus', (e) => {
    if (e.target === el) cross.style.display = 'block';
  });
  el.addEventListener('blur', (e) => {
    if (e.target === el) cross.style.display = 'none';
  });
  el.addEventListener('keydown', (e) => {
    if (e.target !== el || (e.key !== 'Enter' && e.key !== ' ')) return;
    e.preventDefault();
    pickCentre();
  });
}

/** How many of a route's first stops the map opens on. */
const ROUTE_FIT_STOPS = 6;
/** How far inside the view a pin placed from outside must stand (a share of the view from each side), else the map pans to it. */
const PIN_MARGIN = 0.2;

export function createSiteMap(el: HTMLElement, opts: SiteMapOptions): SiteMapController {
  const { map, toView, fromView } = createBaseMap(el, opts);

  const layer = L.featureGroup().addTo(map);
  const byId = new Map<string, L.CircleMarker>();
  let pin: L.CircleMarker | null = null;
  let route: L.Polyline | null = null;
  let index: ClusterIndex<MapMarker> = clusterIndex<MapMarker>([]);
  let points: ViewPoint<MapMarker>[] = [];

  if (opts.onPick) {
    const onPick = opts.onPick;
    map.on('click', (e: L.LeafletMouseEvent) => onPick(fromView(e.latlng)));
    enableKeyboardPick(map, opts.pickLabel ?? '', () => onPick(fromView(map.getCenter())));
  }

  function drawPoint(m: MapMarker, at: L.LatLngTuple) {
    const cm = L.circleMarker(at, {
      radius: 6,
      color: '#ffffff',
      weight: 2,
      fillColor: KIND_COLORS[m.kind],
      fillOpacity: m.status === 'retired' ? 0.35 : 0.95,
      className: `site-marker site-marker-${m.kind}`,
    });
    cm.bindPopup(() => opts.renderPopup(m), { className: 'site-popup' });
    cm.addTo(layer);
    if (m.label) {
      // A plain label beside the dot (not a tooltip: those break when their layer is redrawn mid-move).
      const label = document.createElement('span');
      label.textContent = m.label;
      L.marker(at, { icon: L.divIcon({ className: 'stop-label', html: label, iconSize: undefined, iconAnchor: [-8, 10] }), interactive: false, keyboard: false }).addTo(layer);
    }
    const el = cm.getElement();
    if (el) {
      // Where the marker is drawn (GCJ-02 when the tiles are); lets a test see the shift.
      el.setAttribute('data-site-id', m.id);
      el.setAttribute('data-view', `${at[1].toFixed(6)},${at[0].toFixed(6)}`);
    }
    byId.set(m.id, cm);
  }

  function drawCluster(id: number, at: L.LatLngTuple, count: number) {
    const title = opts.clusterTitle(count);
    const icon = L.divIcon({ className: `site-cluster site-cluster-${clusterSize(count)}`, html: `<span>${count}</span>`, iconSize: [40, 40] });
    const mk = L.marker(at, { icon, title, alt: title, keyboard: true, riseOnHover: true });
    mk.on('click', () => map.setView(at, Math.min(index.expansionZoom(id), CLUSTER_MAX_ZOOM + 1)));
    mk.addTo(layer);
    const el = mk.getElement();
    if (el) {
      el.setAttribute('data-count', String(count));
      el.setAttribute('aria-label', title);
    }
  }

  /** Draws what the current view shows: clusters and single sites (an open popup stays open). */
  function redraw() {
    const open = [...byId.entries()].find(([, cm]) => cm.isPopupOpen())?.[0];
    layer.clearLayers();
    byId.clear();
    const b = map.getBounds().pad(0.25);
    for (const d of index.at([b.getWest(), b.getSouth(), b.getEast(), b.getNorth()], map.getZoom())) {
      if (d.kind === 'point') drawPoint(d.point.item, [d.point.lat, d.point.lng]);
      else drawCluster(d.id, [d.lat, d.lng], d.count);
    }
    if (open) byId.get(open)?.openPopup();
  }
  let pendingRedraw = 0;
  // Set before the map is removed: a pan it stops on the way out still ends with a moveend, whose
  // redraw would then read a removed pane ("_leaflet_pos" of undefined).
  let destroyed = false;
  map.on('moveend', () => {
    // After the move has finished its own work: redrawing inside it would remove layers Leaflet is still updating.
    if (!pendingRedraw && !destroyed) pendingRedraw = requestAnimationFrame(() => {
      pendingRedraw = 0;
      if (!destroyed) redraw();
    });
  });

  return {
    setMarkers(markers, fit) {
      map.closePopup();
      points = markers.map((m) => {
        const [lat, lng] = toView(m);
        return { lng, lat, item: m };
      });
      index = clusterIndex(points);
      // A new set of markers jumps to its extent without animating: a marker is where it is drawn
      // as soon as it is drawn, so a tap right after a search lands on it rather than on the
      // moving map behind it.
      // A route (numbered stops, in order) opens on its next stops, where the numbers can be read
      // on a phone; a hundred stops fitted at once draw their numbers on top of each other.
      const shown = markers.some((m) => m.label) ? points.slice(0, ROUTE_FIT_STOPS) : points;
      if (fit && shown.length === 1) map.setView([shown[0]!.lat, shown[0]!.lng], 17, { animate: false });
      else if (fit && shown.length > 1) map.fitBounds(L.latLngBounds(shown.map((p) => [p.lat, p.lng] as L.LatLngTuple)), { padding: [24, 24], maxZoom: 17, animate: false });
      redraw();
    },
    focus(id) {
      const p = points.find((x) => x.item.id === id);
      if (!p) return;
      // Close enough that no cluster hides it.
      map.setView([p.lat, p.lng], Math.max(map.getZoom(), CLUSTER_MAX_ZOOM + 1), { animate: false });
      redraw();
      byId.get(id)?.openPopup();
    },
    setRoute(line) {
      route?.remove();
      route = line && line.length > 1 ? L.polyline(line.map(toView), { color: '#1d4ed8', weight: 3, opacity: 0.7, dashArray: '6 6', interactive: false, className: 'route-line' }).addTo(map) : null;
    },
    setPin(p, center = false) {
      pin?.remove();
      pin = null;
      if (!p) return;
      pin = L.circleMarker(toView(p), { radius: 9, color: '#111827', weight: 3, fillColor: '#facc15', fillOpacity: 1, className: 'site-pin', interactive: false }).addTo(map);
      if (center) map.setView(toView(p), CLUSTER_MAX_ZOOM + 1, { animate: false });
      // A pin placed from outside (the phone's position) may lie off the view, or at its very edge
      // under the controls: bring it well inside (a fifth of the view in from each side).
      else if (!map.getBounds().pad(-PIN_MARGIN).contains(toView(p))) map.panTo(toView(p));
    },
    destroy() {
      destroyed = true;
      cancelAnimationFrame(pendingRedraw);
      map.remove();
    },
  };
}
