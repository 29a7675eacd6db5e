import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type DatabaseHandle } from '../../src/db/index.js';
import { DIALECTS } from '../helpers/db.js';
import { type Cluster, signInOver, startCluster } from '../helpers/instances.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(ROOT, 'bin/closeloop.js');

// Two real `closeloop serve` processes keep every job's lease between rounds; "run now" still runs.
describe.runIf(DIALECTS.includes('postgres'))('run now while two instances serve', { timeout: 90_000 }, () => {
  let cluster: Cluster;
  let db: DatabaseHandle;
  let dataDir: string;

  beforeAll(async () => {
    cluster = await startCluster({ instances: 2 });
    db = createDatabase({ kind: 'postgres', url: cluster.databaseUrl });
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'closeloop-run-now-'));
  }, 120_000);
  afterAll(async () => {
    await db?.destroy();
    await cluster?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /** The holder of a job's lease once an instance's first round has taken it. */
  async function holderOf(job: string): Promise<string> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const row = await db.db.selectFrom('job_leases').select(['holder', 'last_success_ms']).where('name', '=', job).executeTakeFirst();
      if (row?.last_success_ms != null) return row.holder;
      if (Date.now() > deadline) throw new Error(`no instance ran ${job}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it('the console runs a job on either instance, and `closeloop jobs run` from another process runs it too', async () => {
    const holder = await holderOf('partitions');
    const serving = cluster.instances.find((i) => holder.includes(`:${i.process.pid}:`))!;
    expect(serving, holder).toBeDefined();
    const other = cluster.instances.find((i) => i !== serving)!;
    // The other instance first (it takes the lease over for its round), then the serving one (its own poller).
    for (const inst of [other, serving]) {
      // Jobs act on every subdistrict: a district-level administrator runs one by hand.
      const cookie = await signInOver(inst.url, 'district-admin');
      const res = await fetch(`${inst.url}/api/jobs/partitions/run`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: '{}' });
      expect(res.status, await res.clone().text()).toBe(200);
      expect(await res.json()).toMatchObject({ job: 'partitions', ran: true, error: null });
    }
    // The serving instance's round ran on its own poller, under its own holder id: the lease is its again.
    expect((await db.db.selectFrom('job_leases').select('holder').where('name', '=', 'partitions').executeTakeFirstOrThrow()).holder).toBe(holder);

    await holderOf('retention');
    const { stdout } = await promisify(execFile)(process.execPath, [BIN, 'jobs', 'run', 'retention'], {
      cwd: ROOT,
      env: { ...process.env, ...cluster.env, DATA_DIR: dataDir },
    });
    // Colours depend on the terminal the run inherits (CI forces them): read the text.
    expect(stdout.replace(/\x1b\[[0-9;]*m/g, '')).toMatch(/✓ retention: \d+ handled/);
  });
});
