/**
 * The 一网通办 map's Leaflet side (loaded on first use, like the sites map): layers of dots —
 * service points, grids, the life-circle's uncovered sites and committees — on the same basemap
 * (the deployment's tiles, or the offline basemap: no request leaves the machine).
 */
import L from 'leaflet';
import { createBaseMap } from '../../shared/map/leaflet-view';
import type { ClientConfig } from '../../shared/types';

export interface MapDot {
  id: string;
  lng: number;
  lat: number;
  color: string;
  title: string;
  subtitle?: string;
  radius?: number;
  /** Drawn as a ring (planned points, grid centres). */
  hollow?: boolean;
  /** A circle of this many metres around the dot (the life circle's reach). */
  reachM?: number;
}
export interface MapLayer {
  id: string;
  dots: MapDot[];
}

export interface NetworkMapController {
  setLayers(layers: MapLayer[], fit: boolean): void;
  focus(id: string): void;
  destroy(): void;
}

export function createNetworkMap(el: HTMLElement, opts: { config: ClientConfig; lang: string; offlineLabel: string }): NetworkMapController {
  const { map, toView } = createBaseMap(el, opts);
  const group = L.featureGroup().addTo(map);
  const byId = new Map<string, L.CircleMarker>();

  return {
    setLayers(layers, fit) {
      group.clearLayers();
      byId.clear();
      for (const layer of layers) {
        for (const d of layer.dots) {
          if (d.reachM) {
            L.circle(toView(d), { radius: d.reachM, color: d.color, weight: 1, fillColor: d.color, fillOpacity: 0.06, interactive: false }).addTo(group);
          }
          const cm = L.circleMarker(toView(d), {
            radius: d.radius ?? 6,
            color: d.hollow ? d.color : '#ffffff',
            weight: 2,
            fillColor: d.color,
            fillOpacity: d.hollow ? 0.15 : 0.95,
            className: `yw-dot yw-dot-${layer.id}`,
          });
          cm.bindPopup(() => popup(d), { className: 'site-popup' });
          cm.addTo(group);
          const node = cm.getElement();
          if (node) {
            node.setAttribute('data-dot-id', d.id);
            node.setAttribute('data-layer', layer.id);
          }
          byId.set(d.id, cm);
        }
      }
      const count = layers.reduce((n, l) => n + l.dots.length, 0);
      if (fit && count > 0) map.fitBounds(group.getBounds(), { padding: [24, 24], maxZoom: 16, animate: false });
    },
    focus(id) {
      const cm = byId.get(id);
      if (!cm) return;
      map.setView(cm.getLatLng(), Math.max(map.getZoom(), 16));
      cm.openPopup();
    },
    destroy() {
      map.remove();
    },
  };
}

function popup(d: MapDot): HTMLElement {
  const root = document.createElement('div');
  const title = document.createElement('strong');
  title.className = 'popup-title';
  title.textContent = d.title;
  root.append(title);
  if (d.subtitle) {
    const sub = document.createElement('div');
    sub.className = 'popup-kind';
    sub.textContent = d.subtitle;
    root.append(sub);
  }
  return root;
}
