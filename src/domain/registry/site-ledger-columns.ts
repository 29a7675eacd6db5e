import type { PartyKind, SiteKind } from '../../db/schema.js';
import type { LedgerColumn } from '../shared/xlsx.js';

/**
 * The site ledger (点位台账) as offices keep it: Chinese headers, English accepted too.
 * Import and export use exactly these columns, so an export imports back unchanged.
 */
export type SiteColumnKey =
  | 'name'
  | 'kind'
  | 'address'
  | 'committee'
  | 'gridCode'
  | 'lng'
  | 'lat'
  | 'disposalHours'
  | 'qrCode'
  | 'partyName'
  | 'partyKind'
  | 'contactName'
  | 'contactPhone';

export const SITE_COLUMNS: readonly LedgerColumn<SiteColumnKey>[] = [
  { key: 'name', header: '名称', aliases: ['点位名称', 'site name'], width: 30 },
  { key: 'kind', header: '类型', aliases: ['点位类型', 'type', 'site kind'], width: 10 },
  { key: 'address', header: '地址', aliases: ['address'], width: 30 },
  { key: 'committee', header: '居委会', aliases: ['居民区', '所属居委会', 'committee', 'neighbourhood committee'], width: 16 },
  { key: 'gridCode', header: '网格编码', aliases: ['网格', 'grid', 'grid code'], width: 18 },
  { key: 'lng', header: '经度', aliases: ['longitude', 'lon'], width: 12 },
  { key: 'lat', header: '纬度', aliases: ['latitude'], width: 12 },
  { key: 'disposalHours', header: '投放时段', aliases: ['开放时间', 'disposal hours'], width: 24 },
  { key: 'qrCode', header: '二维码', aliases: ['二维码编号', 'qr', 'qr code'], width: 16 },
  { key: 'partyName', header: '责任人名称', aliases: ['管理责任人', '责任人', 'responsible party'], width: 30 },
  { key: 'partyKind', header: '责任人类型', aliases: ['responsible party kind', 'party kind'], width: 12 },
  { key: 'contactName', header: '联系人', aliases: ['contact', 'contact name'], width: 10 },
  { key: 'contactPhone', header: '联系电话', aliases: ['电话', 'phone', 'contact phone'], width: 14 },
];

export const REQUIRED_SITE_COLUMNS: readonly SiteColumnKey[] = ['name', 'kind', 'address', 'committee', 'lng', 'lat'];

export const SITE_KIND_LABELS: Record<SiteKind, string> = { bin_room: '箱房', institution: '社区单位', shop: '沿街商铺' };
export const PARTY_KIND_LABELS: Record<PartyKind, string> = {
  property_company: '物业公司',
  shop_operator: '商铺经营者',
  unit: '单位',
};

/** The responsible party's kind when the ledger leaves it blank: what each site kind usually has. */
export const DEFAULT_PARTY_KIND: Record<SiteKind, PartyKind> = {
  bin_room: 'property_company',
  institution: 'unit',
  shop: 'shop_operator',
};

/** Accepts the Chinese label or the id (any case). */
export function fromLabel<T extends string>(labels: Record<T, string>, text: string): T | null {
  const t = text.trim();
  for (const [id, label] of Object.entries(labels) as [T, string][]) {
    if (t === label || t.toLowerCase() === id) return id;
  }
  return null;
}

const WINDOW = /^(\d{1,2})[:：](\d{2})\s*[-–—~～至到]\s*(\d{1,2})[:：](\d{2})$/;

/**
 * `07:00-09:00,18:00-20:00` → [["07:00","09:00"],["18:00","20:00"]]. Also takes Chinese commas,
 * 、 and ; as separators and – ~ 至 as dashes. Returns a reason string when unreadable.
 */
export function parseDisposalHours(text: string): [string, string][] | string {
  const pad = (h: string, m: string) => `${h.padStart(2, '0')}:${m}`;
  const parts = text.split(/[,，、;；\n]/).map((p) => p.trim()).filter(Boolean);
  const out: [string, string][] = [];
  for (const p of parts) {
    const m = WINDOW.exec(p);
    if (!m) return `cannot read "${p}"; expected e.g. 07:00-09:00,18:00-20:00`;
    out.push([pad(m[1]!, m[2]!), pad(m[3]!, m[4]!)]);
  }
  return out;
}

export const formatDisposalHours = (hours: [string, string][] | null) =>
  hours?.length ? hours.map(([a, b]) => `${a}-${b}`).join(',') : null;
