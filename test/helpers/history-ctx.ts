import type { Ctx } from '../../src/domain/dashboard/seed/case-year.js';

/** A small subdistrict for the synthetic-history generator: four sites of three kinds, two units, patrols, a cadre, an operator. */
export const historyCtx: Ctx = {
  committees: [{ id: 'c1' }, { id: 'c2' }],
  sites: [
    { id: 's1', committee_id: 'c1', grid_id: null, lng: 121.4, lat: 31.2, kind: 'bin_room', name: '安顺小区1号箱房' },
    { id: 's2', committee_id: 'c2', grid_id: 'g1', lng: 121.41, lat: 31.21, kind: 'bin_room', name: '古北新城2号箱房' },
    { id: 's3', committee_id: 'c1', grid_id: null, lng: 121.42, lat: 31.2, kind: 'shop', name: '美发店（安顺路店）' },
    { id: 's4', committee_id: 'c2', grid_id: null, lng: 121.42, lat: 31.21, kind: 'institution', name: '安顺路幼儿园' },
  ],
  categories: [
    { id: 'k1', code: 'A0301', siteKinds: ['bin_room'], nameZh: '湿垃圾中混有干垃圾' },
    { id: 'k2', code: 'A0101', siteKinds: ['bin_room'], nameZh: '湿垃圾桶满溢' },
    { id: 'k3', code: 'B0401', siteKinds: ['shop'], nameZh: '无分类标识' },
    { id: 'k4', code: 'C0101', siteKinds: ['institution'], nameZh: '未设置分类容器' },
  ],
  units: ['u1', 'u2'],
  handlers: new Map([['u1', 'h1'], ['u2', 'h2']]),
  patrols: ['p1', 'p2', 'cadre1'],
  roles: new Map([['p1', 'patrol'], ['p2', 'patrol'], ['cadre1', 'cadre'], ['o1', 'operator'], ['h1', 'handler'], ['h2', 'handler']]),
  checkers: new Set(['p1', 'p2']),
  operators: ['o1'],
};
