import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type DatabaseHandle } from '../../src/db/index.js';
import { PUBLIC_REPORT_RATE } from '../../src/server/routes/public-reports.js';
import { DIALECTS } from '../helpers/db.js';
import { type Cluster, signInOver, startCluster } from '../helpers/instances.js';

const KEY_RATE = 4;
const HQ = '310105008';

/** Waits until the current minute has at least `ms` left, so one fixed window holds the whole burst. */
async function windowWithRoom(ms: number) {
  while (60_000 - (Date.now() % 60_000) < ms) await new Promise((r) => setTimeout(r, 250));
}

// Two real `closeloop serve` processes on one PostgreSQL database share every client budget.
describe.runIf(DIALECTS.includes('postgres'))('two instances share the public rate limits', () => {
  let cluster: Cluster;
  let db: DatabaseHandle;

  beforeAll(async () => {
    cluster = await startCluster({ instances: 2 });
    db = createDatabase({ kind: 'postgres', url: cluster.databaseUrl });
  }, 120_000);
  afterAll(async () => {
    await db?.destroy();
    await cluster?.close();
  });

  const api = (i: number) => cluster.instances[i]!.url;

  it(`an Open311 key of ${KEY_RATE} a minute files ${KEY_RATE} requests across both instances; the next is 429 on either, with Retry-After and the spec's error body`, async () => {
    const hq = (await db.db.selectFrom('subdistricts').select('id').where('code', '=', '008').executeTakeFirstOrThrow()).id;
    const cookie = await signInOver(api(0), 'admin');
    const issued = await fetch(`${api(0)}/api/open311/keys`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ name: '共享限流测试', subdistrictIds: [hq], ratePerMinute: KEY_RATE }),
    });
    expect(issued.status).toBe(201);
    const { key, id } = (await issued.json()) as { key: string; id: string };
    const sites = await db.db.selectFrom('sites').select(['lng', 'lat']).where('subdistrict_id', '=', hq).where('kind', '=', 'bin_room').orderBy('id').limit(12).execute();
    const post = (i: number) =>
      fetch(`${api(i % 2)}/open311/v2/requests.xml`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams([
          ['api_key', key], ['jurisdiction_id', HQ], ['service_code', 'A0301'], ['lat', String(sites[i]!.lat)], ['long', String(sites[i]!.lng)],
          ['attribute[site_kind]', 'bin_room'], ['description', `shared budget ${i}`],
        ]).toString(),
      });

    await windowWithRoom(20_000);
    const answers = await Promise.all(Array.from({ length: 10 }, async (_, i) => {
      const res = await post(i);
      return { instance: i % 2, status: res.status, retryAfter: res.headers.get('retry-after'), body: await res.text() };
    }));
    const ok = answers.filter((a) => a.status === 200);
    const limited = answers.filter((a) => a.status === 429);
    expect(ok, JSON.stringify(answers.map((a) => [a.status, a.body.slice(0, 120)]))).toHaveLength(KEY_RATE);
    expect(limited).toHaveLength(10 - KEY_RATE);
    for (const a of limited) {
      expect(Number(a.retryAfter)).toBeGreaterThan(0);
      expect(Number(a.retryAfter)).toBeLessThanOrEqual(60);
      expect(a.body).toMatch(/^<\?xml version="1.0" encoding="utf-8"\?><errors><error><code>429<\/code><description>/);
    }
    // One more on each instance: both refuse, the budget is one.
    for (const i of [0, 1]) expect((await post(10 + i)).status).toBe(429);
    const filed = await db.db.selectFrom('open311_requests').select((eb) => eb.fn.countAll<number>().as('n')).where('key_id', '=', id).executeTakeFirstOrThrow();
    expect(Number(filed.n)).toBe(KEY_RATE);
  });

  it(`the public page's challenge budget (${PUBLIC_REPORT_RATE.challenge} a minute per address) is one across both instances`, async () => {
    await windowWithRoom(20_000);
    const n = PUBLIC_REPORT_RATE.challenge;
    const statuses = await Promise.all(Array.from({ length: n + 6 }, (_, i) => fetch(`${api(i % 2)}/api/public/reports/challenge`).then((r) => r.status)));
    expect(statuses.filter((s) => s === 200)).toHaveLength(n);
    expect(statuses.filter((s) => s === 429)).toHaveLength(6);
    for (const i of [0, 1]) {
      const res = await fetch(`${api(i)}/api/public/reports/challenge`);
      expect(res.status).toBe(429);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('rate_limited');
    }
    // The address is stored only hashed.
    const rows = await db.db.selectFrom('rate_limit_hits').selectAll().execute();
    expect(rows.length).toBeGreaterThan(0);
    expect(JSON.stringify(rows)).not.toContain('127.0.0.1');
  });
});
