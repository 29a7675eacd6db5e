import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type DatabaseHandle } from '../../src/db/index.js';
import { DIALECTS } from '../helpers/db.js';
import { type Cluster, signInOver, startCluster } from '../helpers/instances.js';

const MAX_FAILURES = 5;
const DRAIN_MS = 1_500;

// Two real `closeloop serve` processes on one PostgreSQL database.
describe.runIf(DIALECTS.includes('postgres'))('two instances: sign-in limits and a graceful stop under load', () => {
  let cluster: Cluster;
  let db: DatabaseHandle;

  beforeAll(async () => {
    cluster = await startCluster({
      instances: 2,
      env: { LOGIN_MAX_FAILURES: String(MAX_FAILURES), LOGIN_IP_MAX_FAILURES: '1000', SHUTDOWN_DRAIN_MS: String(DRAIN_MS), SHUTDOWN_TIMEOUT_MS: '20000' },
    });
    db = createDatabase({ kind: 'postgres', url: cluster.databaseUrl });
  }, 120_000);
  afterAll(async () => {
    await db?.destroy();
    await cluster?.close();
  });

  const api = (i: number) => cluster.instances[i]!.url;

  it('20 concurrent wrong passwords spread over both instances get exactly the configured number of password checks', async () => {
    const res = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        fetch(`${api(i % 2)}/api/auth/sign-in`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username: 'patrol2', password: `wrong-password-${i}` }),
        }).then((r) => r.status),
      ),
    );
    expect(res.filter((s) => s === 401)).toHaveLength(MAX_FAILURES);
    expect(res.filter((s) => s === 423)).toHaveLength(20 - MAX_FAILURES);
    const checks = await db.db.selectFrom('sign_in_events').select((eb) => eb.fn.countAll<number>().as('n'))
      .where('username', '=', 'patrol2').where('outcome', '=', 'bad_credentials').executeTakeFirstOrThrow();
    expect(Number(checks.n)).toBe(MAX_FAILURES);
  });

  it('SIGTERM under load: readiness fails first, no acknowledged write is lost, no 5xx but a clean 503 with Retry-After', async () => {
    const target = cluster.instances[0]!;
    const hq = (await db.db.selectFrom('subdistricts').select('id').where('code', '=', '008').executeTakeFirstOrThrow()).id;
    const cat = await db.db.selectFrom('case_categories').select('id').where('subdistrict_id', '=', hq).where('code', '=', 'A0301').executeTakeFirstOrThrow();
    const sites = await db.db.selectFrom('sites').select(['id', 'lng', 'lat']).where('subdistrict_id', '=', hq).where('kind', '=', 'bin_room').orderBy('id').limit(100).execute();
    const cookie = await signInOver(target.url, 'patrol1');

    const acknowledged: string[] = [];
    const refused: { status: number; retryAfter: string | null }[] = [];
    const unexpected: string[] = [];
    let connectionErrors = 0;
    let stopping = false;
    let n = 0;
    const client = async () => {
      for (;;) {
        const site = sites[n++ % sites.length]!;
        try {
          const res = await fetch(`${target.url}/api/cases`, {
            method: 'POST',
            headers: { cookie, 'content-type': 'application/json', origin: target.url },
            body: JSON.stringify({ source: 'patrol', categoryId: cat.id, siteId: site.id, lng: Number(site.lng), lat: Number(site.lat), description: `停机测试 ${n}` }),
          });
          const body = await res.text();
          if (res.status === 201) acknowledged.push(JSON.parse(body).id);
          else if (res.status === 503) refused.push({ status: res.status, retryAfter: res.headers.get('retry-after') });
          else unexpected.push(`${res.status} ${body.slice(0, 200)}`);
        } catch {
          // The listener closed: a load balancer sends this client elsewhere.
          connectionErrors++;
          if (stopping) return;
        }
        if (target.process.exitCode !== null) return;
      }
    };
    const clients = Array.from({ length: 8 }, client);
    // Let the load run, then stop the instance.
    while (acknowledged.length < 40) await new Promise((r) => setTimeout(r, 50));
    const signalledAt = Date.now();
    stopping = true;
    const exit = target.stop('SIGTERM', 30_000);
    // Readiness fails as soon as the signal is handled, while requests are still being served.
    let ready = 200;
    while (ready === 200 && Date.now() - signalledAt < DRAIN_MS) ready = (await fetch(`${target.url}/readyz`)).status;
    expect(ready).toBe(503);
    expect(Date.now() - signalledAt).toBeLessThan(DRAIN_MS);
    const ackedAtReadyFail = acknowledged.length;
    expect(await exit).toBe(0);
    await Promise.all(clients);

    expect(unexpected).toEqual([]);
    for (const r of refused) expect(r.retryAfter).toMatch(/^\d+$/);
    // Writes kept being served during the drain delay.
    expect(acknowledged.length).toBeGreaterThan(ackedAtReadyFail);
    // Every acknowledged report is in the database.
    const stored = await db.db.selectFrom('cases').select('id').where('id', 'in', acknowledged).execute();
    expect(stored.length).toBe(acknowledged.length);
    // And the other instance serves on.
    expect((await fetch(`${api(1)}/readyz`)).status).toBe(200);
    expect(connectionErrors).toBeGreaterThan(0);
  });
});
