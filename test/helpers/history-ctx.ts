import type { Ctx } from '../../src/domain/dashboard/seed/case-year.js';

/** A small subdistrict for the synthetic-history generator: four sites of three kinds, a unit of each kind with who may handle for it, patrols, a cadre, an operator. */
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
  units: ['u1', 'u2', 'u3', 'u4', 'u5'],
  handlers: new Map([['u1', ['h1']], ['u2', ['h2']], ['u3', ['cadre1']], ['u4', ['cadre2']], ['u5', ['e1', 'e2']]]),
  unitInfo: new Map([
    ['u1', { kind: 'sanitation_company', committeeId: null }],
    ['u2', { kind: 'property_company', committeeId: null }],
    ['u3', { kind: 'committee', committeeId: 'c1' }],
    ['u4', { kind: 'committee', committeeId: 'c2' }],
    ['u5', { kind: 'enforcement_team', committeeId: null }],
  ]),
  patrols: ['p1', 'p2', 'cadre1'],
  roles: new Map([['p1', 'patrol'], ['p2', 'patrol'], ['cadre1', 'cadre'], ['cadre2', 'cadre'], ['o1', 'operator'], ['h1', 'handler'], ['h2', 'handler'], ['e1', 'enforcement'], ['e2', 'enforcement']]),
  checkers: new Set(['p1', 'p2']),
  operators: ['o1'],
};
