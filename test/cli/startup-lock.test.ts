import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { openContext } from '../../src/cli/context.js';
import { withStartupLock } from '../../src/cli/startup-lock.js';
import type { DatabaseConfig } from '../../src/config.js';
import { isSeeded, seedDemo } from '../../src/domain/demo/seed-demo.js';
import { systemClock } from '../../src/domain/shared/clock.js';
import { DIALECTS, scratchCliDatabase } from '../helpers/db.js';

for (const dialect of DIALECTS) {
  describe(`start-up on an empty database [${dialect}]`, () => {
    let release: (() => Promise<void>) | null = null;
    afterEach(async () => {
      await release?.();
      release = null;
    });

    it('two instances starting at once migrate and seed exactly once, and both come up', async () => {
      ({ release } = await scratchCliDatabase(dialect));
      let seeded = 0;
      const start = () =>
        openContext({
          serving: true,
          afterMigrate: async (c) => {
            if (await isSeeded(c.handle.db)) return;
            seeded++;
            await seedDemo(c.handle.db, systemClock);
          },
        });
      const [a, b] = await Promise.all([start(), start()]);
      try {
        expect(seeded).toBe(1);
        const subs = await a.handle.db.selectFrom('subdistricts').select('code').execute();
        expect(subs.map((s) => s.code).sort()).toEqual(['008', '010']);
        const users = await b.handle.db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).where('username', '=', 'admin').executeTakeFirstOrThrow();
        expect(Number(users.n)).toBe(1);
      } finally {
        await a.destroy();
        await b.destroy();
      }
    });
  });
}

describe('SQLite start-up lock left by a dead holder', () => {
  const within = <T>(p: Promise<T>, ms: number) => Promise.race([p, new Promise<'waiting'>((r) => setTimeout(() => r('waiting'), ms))]);

  it('a lock held by a process killed with SIGKILL, or a lock file naming a live process id, does not block the next start', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'closeloop-lock-'));
    const file = path.join(dir, 'closeloop.db');
    const cfg = { kind: 'sqlite', file } as DatabaseConfig;
    let child: ChildProcess | undefined;
    try {
      // An older lock file naming a process id now in use (after a reboot, or a container's pid 1).
      fs.writeFileSync(`${file}.startup-lock`, String(process.pid));
      expect(await within(withStartupLock(cfg, async () => 'acquired'), 3000)).toBe('acquired');

      // A real holder in another process, killed mid-work.
      const lockModule = pathToFileURL(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src/cli/startup-lock.ts')).href;
      child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', `
        const { withStartupLock } = await import(${JSON.stringify(lockModule)});
        await withStartupLock({ kind: 'sqlite', file: ${JSON.stringify(file)} }, async () => {
          process.stdout.write('holding\\n');
          await new Promise(() => setInterval(() => {}, 1000));
        });
      `], { stdio: ['ignore', 'pipe', 'inherit'] });
      const exited = new Promise<void>((resolve) => child!.once('exit', () => resolve()));
      await new Promise<void>((resolve, reject) => {
        child!.stdout!.once('data', () => resolve());
        child!.once('exit', (code) => reject(new Error(`the holder exited (${code}) before holding the lock`)));
      });
      const next = withStartupLock(cfg, async () => 'acquired');
      expect(await within(next, 1000), 'waits while the holder lives').toBe('waiting');
      child.kill('SIGKILL');
      await exited;
      expect(await within(next, 3000)).toBe('acquired');
    } finally {
      child?.kill('SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
