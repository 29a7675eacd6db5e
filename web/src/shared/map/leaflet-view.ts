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
import { KIND_COLORS } from './kind-colors';

export interface SiteMapOptions {
  config: ClientConfig;
  lang: string;
  offlineLabel: string;
  renderPopup(marker: Marker): HTMLElement;
  onPick?(p: LngLat): void;
}

export interface SiteMapController {
  setMarkers(markers: Marker[], fit: boolean): void;
  focus(id: string): void;
  setPin(p: LngLat | null): void;
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

export function createSiteMap(el: HTMLElement, opts: SiteMapOptions): SiteMapController {
  const { map, toView, fromView } = createBaseMap(el, opts);

  const layer = L.featureGroup().addTo(map);
  const byId = new Map<string, L.CircleMarker>();
  let pin: L.CircleMarker | null = null;

  if (opts.onPick) {
    const onPick = opts.onPick;
    map.on('click', (e: L.LeafletMouseEvent) => onPick(fromView(e.latlng)));
  }

  return {
    setMarkers(markers, fit) {
      layer.clearLayers();
      byId.clear();
      for (const m of markers) {
        const color = KIND_COLORS[m.kind];
        const cm = L.circleMarker(toView(m), {
          radius: 6,
          color: '#ffffff',
          weight: 2,
          fillColor: color,
          fillOpacity: m.status === 'retired' ? 0.35 : 0.95,
          className: `site-marker site-marker-${m.kind}`,
        });
        cm.bindPopup(() => opts.renderPopup(m), { className: 'site-popup' });
        cm.addTo(layer);
        const el = cm.getElement();
        if (el) {
          // Where the marker is drawn (GCJ-02 when the tiles are); lets a test see the shift.
          const [vLat, vLng] = toView(m);
          el.setAttribute('data-site-id', m.id);
          el.setAttribute('data-view', `${vLng.toFixed(6)},${vLat.toFixed(6)}`);
        }
        byId.set(m.id, cm);
      }
      // A new set of markers jumps to its extent without animating: a marker is where it is drawn
      // as soon as it is drawn, so a tap right after a search lands on it rather than on the
      // moving map behind it.
      if (fit && markers.length === 1) map.setView(toView(markers[0]!), 17, { animate: false });
      else if (fit && markers.length > 1) map.fitBounds(layer.getBounds(), { padding: [24, 24], maxZoom: 17, animate: false });
    },
    focus(id) {
      const cm = byId.get(id);
      if (!cm) return;
      map.setView(cm.getLatLng(), Math.max(map.getZoom(), 17));
      cm.openPopup();
    },
    setPin(p) {
      pin?.remove();
      pin = null;
      if (!p) return;
      pin = L.circleMarker(toView(p), { radius: 9, color: '#111827', weight: 3, fillColor: '#facc15', fillOpacity: 1, className: 'site-pin' }).addTo(map);
      // A pin placed from outside (the phone's position) may lie off the view: bring it in.
      if (!map.getBounds().contains(toView(p))) map.panTo(toView(p));
    },
    destroy() {
      map.remove();
    },
  };
}
