import fs from 'node:fs';
import path from 'node:path';
import i18n, { type TFunction } from 'i18next';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../../src/config.js';
import { systemClock } from '../../src/domain/shared/clock.js';
import { buildApp } from '../../src/server/app.js';
import { isOpen311Url } from '../../src/server/open311/errors.js';
import type { App } from '../../src/server/route.js';
import { ApiError } from '../../web/src/shared/api.js';
import en from '../../web/src/shared/i18n/en.js';
import { UX_STRINGS } from '../../web/src/shared/i18n/ux.js';
import zh from '../../web/src/shared/i18n/zh.js';
import { type TestDatabaseHandle, testDatabase } from '../helpers/db.js';
import { tsSources } from '../helpers/source-files.js';
import { testLogOptions } from '../helpers/test-logs.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

// Loaded by path, as test/web/error-codes.test.ts does: the web sources import without extensions.
const { errorText } = (await import(path.resolve(ROOT, 'web/src/shared/errors.ts'))) as { errorText(t: TFunction, err: unknown): string };

interface Schema {
  $ref?: string;
  properties?: Record<string, Schema>;
  items?: Schema | Schema[];
  additionalProperties?: Schema | boolean;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
}
interface Param { in: string; name: string; schema?: Schema }
interface Op { parameters?: Param[]; requestBody?: { content?: Record<string, { schema?: Schema }> } }
interface Doc { paths: Record<string, Record<string, Op>>; components?: { schemas?: Record<string, Schema> } }

/** Where the error handler (src/server/error-handler.ts) names the whole request part when a refusal has no path inside it. */
const LOCATION = { body: 'body', query: 'querystring', path: 'params' } as const;

/**
 * Every name a route's request schema can refuse, from the OpenAPI document the server publishes:
 * path and query parameters, and every property of a body at any depth. The error handler names
 * a refusal by its path (`items.0.name`, `guide.steps.2.days`); the web apps label it by its last
 * named segment (web/src/shared/field-errors.ts), so each property name is what needs a label.
 * Open311 routes answer their own clients in the spec's format, never through these labels.
 */
function requestFieldNames(doc: Doc): Map<string, string> {
  const names = new Map<string, string>();
  const add = (name: string, where: string) => void (names.has(name) || names.set(name, where));
  const walk = (s: Schema | undefined, where: string, seen = new Set<Schema>()): void => {
    if (!s || typeof s !== 'object' || seen.has(s)) return;
    seen.add(s);
    if (s.$ref) walk(doc.components?.schemas?.[s.$ref.replace('#/components/schemas/', '')], where, seen);
    for (const [k, v] of Object.entries(s.properties ?? {})) {
      add(k, where);
      walk(v, where, seen);
    }
    for (const x of [s.items, s.anyOf, s.oneOf, s.allOf].flat()) walk(x, where, seen);
    // A record's keys are data (ids, codes), not names: its values may still have properties.
    if (s.additionalProperties && typeof s.additionalProperties === 'object') walk(s.additionalProperties, where, seen);
  };
  for (const [route, ops] of Object.entries(doc.paths)) {
    if (isOpen311Url(route)) continue;
    for (const [method, op] of Object.entries(ops)) {
      const where = `${method.toUpperCase()} ${route}`;
      for (const p of op.parameters ?? []) {
        add(p.name, where);
        if (p.in in LOCATION) add(LOCATION[p.in as keyof typeof LOCATION], where);
        walk(p.schema, where);
      }
      for (const c of Object.values(op.requestBody?.content ?? {})) {
        add(LOCATION.body, where);
        walk(c.schema, where);
      }
    }
  }
  return names;
}

/**
 * Names the server's own request handling refuses outside the schemas (src/server, Open311 aside):
 * literal `invalidField('…')` and `{ field: '…' }`, and the multipart fields of the upload routes
 * (their FIELDS and EXIF_FIELDS), which the OpenAPI document cannot describe.
 */
function serverNamedFields(): Map<string, string> {
  const names = new Map<string, string>();
  // The Open311 endpoints answer their own clients (src/server/open311, routes/open311.ts); the console's key admin is ours.
  const open311 = [path.join(ROOT, 'src/server/open311') + path.sep, path.join(ROOT, 'src/server/routes/open311.ts')];
  for (const file of tsSources(path.join(ROOT, 'src/server')).filter((f) => !open311.some((o) => f.startsWith(o)))) {
    const text = fs.readFileSync(file, 'utf8');
    const where = path.relative(ROOT, file);
    const found = [
      ...[...text.matchAll(/invalidField\(\s*'([^']+)'/g)].map((m) => m[1]!),
      ...[...text.matchAll(/\bfield: '([^']+)'/g)].map((m) => m[1]!),
      ...[...text.matchAll(/const (?:FIELDS = new Set\(\[|EXIF_FIELDS = \{)([^\]}]*)/g)].flatMap((m) => [...m[1]!.matchAll(/'([^']+)'/g)].map((q) => q[1]!)),
    ];
    for (const name of found) if (!names.has(name)) names.set(name, where);
  }
  return names;
}

describe('every field a route can refuse has a label', () => {
  let handle: TestDatabaseHandle;
  let app: App;
  let doc: Doc;
  beforeAll(async () => {
    handle = await testDatabase('sqlite');
    app = await buildApp({ db: handle.db, dbKind: handle.kind, config: readConfig({ DATA_DIR: '/tmp/closeloop-test' }), clock: systemClock }, testLogOptions('app'));
    doc = (await app.inject({ url: '/api/openapi.json' })).json() as Doc;
  });
  afterAll(async () => {
    await app?.close();
    await handle?.destroy();
  });

  const fields = { zh: UX_STRINGS.zh.fields as Record<string, string>, en: UX_STRINGS.en.fields as Record<string, string> };
  const unlabelled = (names: Map<string, string>, lang: 'zh' | 'en') => [...names].filter(([n]) => !fields[lang][n]).map(([n, where]) => `${n} (${where})`).sort();

  it('in Chinese and in English, every parameter and body property of every route in the OpenAPI document, so a refusal never reads "idNumber：…"', () => {
    const names = requestFieldNames(doc);
    // The document lists the routes and their schemas (idNumber sits two levels down in a 办件's body).
    expect(Object.keys(doc.paths).length).toBeGreaterThan(100);
    expect(names.get('idNumber')).toBe('POST /api/services/records');
    expect(unlabelled(names, 'zh')).toEqual([]);
    expect(unlabelled(names, 'en')).toEqual([]);
  });

  it('in Chinese and in English, every field the server names itself (multipart uploads, headers, the path)', () => {
    const names = serverNamedFields();
    expect([...names.keys()]).toEqual(expect.arrayContaining(['Idempotency-Key', 'photo', 'exif_taken_at', 'exifLat', 'path']));
    expect(unlabelled(names, 'zh')).toEqual([]);
    expect(unlabelled(names, 'en')).toEqual([]);
  });

  it('a refusal of a nested property, named by the error handler, reads with that property’s label on the web', async () => {
    // A public route (no sign-in before validation): a 好差评 sub-score of the wrong type.
    const res = await app.inject({ method: 'POST', url: '/api/public/rate/abcdefabcdefabcdef', payload: { level: 5, channel: 'qr', scores: { efficiency: 'x' } } });
    expect(res.statusCode).toBe(400);
    const body = res.json() as { error: { code: string; message: string; details: { fields: { field: string; reason: string; rule?: string }[] } } };
    expect(body.error.details.fields.map((f) => f.field)).toEqual(['scores.efficiency']);
    const err = new ApiError(res.statusCode, body.error.code, body.error.message, body.error.details);
    await i18n.init({ resources: { zh: { translation: zh }, en: { translation: en } }, lng: 'zh', fallbackLng: false, initAsync: false, interpolation: { escapeValue: false } });
    // The ux strings registered themselves at their first import, into whichever store was there then.
    for (const lang of ['zh', 'en'] as const) i18n.addResourceBundle(lang, 'translation', { ux: UX_STRINGS[lang] }, true, true);
    const text = async (lang: string) => {
      await i18n.changeLanguage(lang);
      return errorText(i18n.t.bind(i18n), err);
    };
    expect(await text('zh')).toBe(`${fields.zh.efficiency}：格式不正确`);
    expect(await text('en')).toBe(`${fields.en.efficiency}: wrong format`);
    await i18n.changeLanguage('zh');
  });

  it('a phone refused on the window screen reads with the word its form shows (联系电话), as on the public report page', async () => {
    const { SERVICES_WINDOW_STRINGS } = (await import(path.resolve(ROOT, 'web/src/shared/i18n/services-window.ts'))) as { SERVICES_WINDOW_STRINGS: Record<'zh' | 'en', { record: { phone: string } }> };
    const label = (lang: 'zh' | 'en') => SERVICES_WINDOW_STRINGS[lang].record.phone;
    for (const lang of ['zh', 'en'] as const) expect(label(lang).startsWith(fields[lang].phone ?? '(none)'), `${lang}: ${label(lang)}`).toBe(true);
  });

  it('labels read as words: Chinese labels in Chinese, English labels without Chinese', () => {
    expect(Object.entries(fields.zh).filter(([, v]) => !/[\u4e00-\u9fff]/.test(v)).map(([k]) => k)).toEqual([]);
    expect(Object.entries(fields.en).filter(([, v]) => /[\u4e00-\u9fff]/.test(v)).map(([k]) => k)).toEqual([]);
  });
});
