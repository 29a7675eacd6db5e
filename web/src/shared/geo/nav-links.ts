/**
 * "Navigate there": links that open the phone's map app at a site, walking. Positions are
 * stored WGS-84; 高德 expects GCJ-02 (dev=0: "already GCJ-02, do not shift") and 百度 BD-09
 * (coord_type=bd09ll). Each app has a URI scheme that opens it when installed and a web page
 * that works when it is not (and that itself offers to open the app).
 */
import { wgs84ToBd09 } from './bd09.js';
import { type LngLat, wgs84ToGcj02 } from './gcj02.js';

export interface NavLinks {
  amapApp: string;
  amapWeb: string;
  baiduApp: string;
  baiduWeb: string;
  /** The converted positions the links carry. */
  gcj02: LngLat;
  bd09: LngLat;
}

const APP_NAME = 'closeloop';
/** Six decimals ≈ 0.1 m: what both apps accept. */
const fix6 = (n: number) => n.toFixed(6);

export function navigationLinks(wgs: LngLat, name: string): NavLinks {
  const gcj = wgs84ToGcj02(wgs);
  const bd = wgs84ToBd09(wgs);
  const q = (o: Record<string, string>) => new URLSearchParams(o).toString();
  return {
    // t=2: walking.
    amapApp: `amapuri://route/plan/?${q({ sourceApplication: APP_NAME, dlat: fix6(gcj.lat), dlon: fix6(gcj.lng), dname: name, dev: '0', t: '2' })}`,
    amapWeb: `https://uri.amap.com/navigation?${q({ to: `${fix6(gcj.lng)},${fix6(gcj.lat)},${name}`, mode: 'walk', coordinate: 'gaode', callnative: '1', src: APP_NAME })}`,
    baiduApp: `baidumap://map/direction?${q({ destination: `name:${name}|latlng:${fix6(bd.lat)},${fix6(bd.lng)}`, coord_type: 'bd09ll', mode: 'walking', src: `webapp.${APP_NAME}.field` })}`,
    baiduWeb: `https://api.map.baidu.com/marker?${q({ location: `${fix6(bd.lat)},${fix6(bd.lng)}`, title: name, content: name, coord_type: 'bd09ll', output: 'html', src: `webapp.${APP_NAME}.field` })}`,
    gcj02: gcj,
    bd09: bd,
  };
}
