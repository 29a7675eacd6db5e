import { XMLParser } from 'fast-xml-parser';
import type { TestContext } from '../helpers/app.js';
import { actorOf } from '../helpers/app.js';
import { issueKey } from '../../src/domain/open311/keys.js';

export const HQ = '310105008';
export const XX = '310105010';

/** XML → the Spark convention's JSON (a container of one repeated child kind is an array), scalars as text. */
export function spark(xml: string): unknown {
  const parser = new XMLParser({ preserveOrder: true, ignoreAttributes: true, parseTagValue: false, trimValues: false, ignoreDeclaration: true });
  const doc = parser.parse(xml) as Record<string, unknown>[];
  const root = doc.find((n) => !('#text' in n))!;
  const [tag] = Object.keys(root);
  return { [tag!]: node(root[tag!] as Record<string, unknown>[]) };
}

function node(children: Record<string, unknown>[]): unknown {
  const elems = children.filter((c) => !('#text' in c));
  if (!elems.length) return children.map((c) => String(c['#text'] ?? '')).join('');
  const tags = elems.map((e) => Object.keys(e)[0]!);
  if (new Set(tags).size === 1 && (elems.length > 1 || CONTAINERS.has(tags[0]!))) return elems.map((e) => node(e[tags[0]!] as Record<string, unknown>[]));
  return Object.fromEntries(elems.map((e, i) => [tags[i]!, node(e[tags[i]!] as Record<string, unknown>[])]));
}
/** Children that are list items by the resource's definition (the spec's ⇊ / ↴ marks). */
const CONTAINERS = new Set(['service', 'attribute', 'value', 'endpoint', 'format', 'request', 'error', 'request_update']);

/** JSON scalars as the XML would carry them: null → '', numbers and booleans → text. */
export function asText(v: unknown): unknown {
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) return v.map(asText);
  if (typeof v === 'object') return Object.fromEntries(Object.entries(v as object).map(([k, x]) => [k, asText(x)]));
  return String(v);
}

export async function newKey(
  ctx: TestContext,
  opts: { subdistricts?: string[]; kind?: 'open311' | 'hotline'; rate?: number; admin?: string; webhookUrl?: string; webhookScope?: 'own' | 'readable' } = {},
) {
  const admin = await actorOf(ctx, opts.admin ?? 'district-admin');
  const subs = opts.subdistricts ?? [HQ];
  const all = await ctx.handle.db.selectFrom('subdistricts as s').innerJoin('districts as d', 'd.id', 's.district_id').select(['s.id', 's.code', 'd.code as dc']).execute();
  const ids = subs.map((j) => all.find((s) => `${s.dc}${s.code}` === j)!.id);
  return issueKey(ctx.handle.db, ctx.clock, admin, { name: `test ${Math.random()}`, kind: opts.kind ?? 'open311', subdistrictIds: ids, ratePerMinute: opts.rate ?? 10_000, webhookUrl: opts.webhookUrl, webhookScope: opts.webhookScope }, ctx.deps.config.outbound);
}

export const form = (fields: [string, string][]) => new URLSearchParams(fields).toString();
export const FORM = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' };

export const W3C_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
