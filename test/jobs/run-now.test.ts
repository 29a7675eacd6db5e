import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../../src/config.js';
import type { DatabaseHandle } from '../../src/db/index.js';
import { CLI_AUDIT_ACTOR } from '../../src/domain/audit/record-audit.js';
import { ManualClock } from '../../src/domain/shared/clock.js';
import { createJobs, type JobDeps, startJobs } from '../../src/jobs/index.js';
import { createPoller, type Poller } from '../../src/jobs/poller.js';
import { INTERVAL_MS as RETENTION_INTERVAL_MS } from '../../src/jobs/retention.js';
import { runJobNow } from '../../src/jobs/run-now.js';
import { DIALECTS, testDatabase } from '../helpers/db.js';

const quiet = { error: () => {}, info: () => {} };

/** A promise the test resolves when it chooses. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { opened, open };
}

/**
 * A poller keeping its lease in `handle`'s database whose n-th round logs `start n` to `events`,
 * waits for `gates[n]` if there is one, logs `end n` and answers n + 1 handled.
 */
function gatedPoller(handle: DatabaseHandle, o: { name: string; intervalMs: number; holder: string; clock: ManualClock }, gates: { opened: Promise<void> }[]) {
  const events: string[] = [];
  let n = 0;
  const poller = createPoller({
    name: o.name,
    intervalMs: o.intervalMs,
    clock: o.clock,
    logger: quiet,
    lease: { db: handle.db, holder: o.holder },
    poll: async () => {
      const i = n++;
      events.push(`start ${i}`);
      const g = gates[i];
      if (g) await g.opened;
      events.push(`end ${i}`);
      return i + 1;
    },
  });
  return { poller, events };
}

for (const dialect of DIALECTS) {
  describe(`run now while instances serve [${dialect}]`, () => {
    let handle: DatabaseHandle;
    let deps: JobDeps;
    const clock = new ManualClock('2026-12-06T02:00:00Z');
    beforeAll(async () => {
      handle = await testDatabase(dialect);
      deps = { db: handle.db, config: readConfig({ DATA_DIR: '/tmp/closeloop-test' }), clock, logger: quiet };
    });
    afterAll(async () => handle?.destroy());

    const retentionOf = (holder: string): Poller => createJobs({ ...deps, holder }).find((j) => j.name === 'retention')!;

    it('runs a job whose lease a serving instance keeps between rounds, and that instance carries on after it', async () => {
      const a = retentionOf('serve-A');
      const b = retentionOf('serve-B');
      try {
        expect(await a.runOnce()).toBe(0);
        expect(a.stats.rounds).toBe(1); // serve-A now keeps the lease (10 min + 15 s) until its next round

        const r = await runJobNow(deps, 'retention', CLI_AUDIT_ACTOR);
        expect(r).toEqual({ job: 'retention', ran: true, handled: 0, error: null });
        const audit = await handle.db.selectFrom('audit_log').select(['action', 'entity_id']).where('action', '=', 'job.run').execute();
        expect(audit).toContainEqual({ action: 'job.run', entity_id: 'retention' });

        // serve-A's next round takes the released lease back (a higher fence); another instance still does not run it.
        await a.runOnce();
        expect(a.stats.rounds).toBe(2);
        await b.runOnce();
        expect(b.stats).toMatchObject({ rounds: 0, skipped: 1 });
        const lease = await handle.db.selectFrom('job_leases').select(['holder', 'fence']).where('name', '=', 'retention').executeTakeFirstOrThrow();
        expect(lease.holder).toBe('serve-A');
        expect(Number(lease.fence)).toBe(3);
      } finally {
        await a.destroy();
        await b.destroy();
      }
    });

    it('does not run beside a round in progress on another instance, and runs once that round ends', async () => {
      const g = gate();
      const events: string[] = [];
      let started!: () => void;
      const roundStarted = new Promise<void>((r) => (started = r));
      // Instance A's round of "retention", held open until the test lets it finish.
      const a = createPoller({
        name: 'retention',
        intervalMs: RETENTION_INTERVAL_MS,
        clock,
        logger: quiet,
        lease: { db: handle.db, holder: 'serve-A2' },
        poll: async () => {
          events.push('A start');
          started();
          await g.opened;
          events.push('A end');
          return 0;
        },
      });
      const inProgress = a.runOnce();
      try {
        await Promise.race([roundStarted, inProgress.then(() => Promise.reject(new Error("A's round did not start")))]);
        const during = await runJobNow(deps, 'retention', CLI_AUDIT_ACTOR);
        expect(during).toEqual({ job: 'retention', ran: false, handled: 0, error: null });
        expect(events).toEqual(['A start']);
      } finally {
        g.open();
        await inProgress;
      }
      expect(events).toEqual(['A start', 'A end']);
      try {
        expect((await runJobNow(deps, 'retention', CLI_AUDIT_ACTOR)).ran).toBe(true);
      } finally {
        await a.destroy();
      }
    });

    it('in a serving process, runs on the instance\'s own poller', async () => {
      const stop = startJobs({ ...deps, holder: 'serve-C' });
      try {
        const own = stop.jobs.find((j) => j.name === 'partitions')!;
        // the first rounds of start(): the own round runs after any round of it in progress
        const r = await runJobNow({ ...deps, holder: 'serve-C' }, 'partitions', CLI_AUDIT_ACTOR);
        expect(r.ran).toBe(true);
        expect(own.stats.rounds).toBe(2);
        const lease = await handle.db.selectFrom('job_leases').select('holder').where('name', '=', 'partitions').executeTakeFirstOrThrow();
        expect(lease.holder).toBe('serve-C'); // kept: no one-off holder took it over
      } finally {
        await stop();
      }
    });
  });

  describe(`a poller's run-now round never overlaps its own round [${dialect}]`, () => {
    let handle: DatabaseHandle;
    beforeAll(async () => {
      handle = await testDatabase(dialect);
    });
    afterAll(async () => handle?.destroy());

    it('waits for the round in progress, then runs a round of its own', async () => {
      const clock = new ManualClock('2026-12-06T02:00:00Z');
      const gates = [gate(), gate()];
      const { poller: p, events } = gatedPoller(handle, { name: 'own-job', intervalMs: 60_000, holder: 'serve-D', clock }, gates);
      const first = p.runOnce();
      const now = p.runNow();
      gates[0]!.open();
      expect(await first).toBe(1);
      gates[1]!.open();
      expect(await now).toEqual({ ran: true, handled: 2, error: null });
      expect(events).toEqual(['start 0', 'end 0', 'start 1', 'end 1']);
      await p.destroy();
    });

    it('a run-now queued behind a round does not run once the poller is stopped, and the lease is handed over', async () => {
      const clock = new ManualClock('2026-12-06T02:00:00Z');
      const first = gate();
      const { poller: p, events } = gatedPoller(handle, { name: 'stopping-job', intervalMs: 600_000, holder: 'serve-E', clock }, [first]);
      const round = p.runOnce();
      const queued = p.runNow();
      const stopping = p.destroy();
      first.open();
      await round;
      await stopping;
      expect(await queued).toEqual({ ran: false, handled: 0, error: null });
      expect(events).toEqual(['start 0', 'end 0']);
      const lease = await handle.db.selectFrom('job_leases').select(['holder', 'expires_ms']).where('name', '=', 'stopping-job').executeTakeFirst();
      // Released by destroy(): expired or gone, not held for the job's interval.
      expect(lease === undefined || Number(lease.expires_ms) <= clock.now().getTime()).toBe(true);
    });
  });
}
