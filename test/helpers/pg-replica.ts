import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from './instances.js';

const run = promisify(execFile);
const BIN = fs.existsSync('/usr/lib/postgresql')
  ? path.join('/usr/lib/postgresql', fs.readdirSync('/usr/lib/postgresql').sort().at(-1)!, 'bin')
  : '';

/** PostgreSQL refuses to run as root: as root, run its tools as the `postgres` user. */
function asPostgres(cmd: string, args: string[]): [string, string[]] {
  return process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];
}

export const replicaToolsAvailable = Boolean(BIN) && fs.existsSync(path.join(BIN, 'pg_basebackup'));

interface Server {
  dataDir: string;
  port: number;
  url: string;
  process: ChildProcess;
}

async function startServer(dataDir: string, port: number): Promise<Server> {
  const [cmd, args] = asPostgres(path.join(BIN, 'postgres'), [
    '-D', dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${dataDir}`,
    '-c', 'fsync=off', '-c', 'shared_buffers=16MB', '-c', 'max_wal_senders=4', '-c', 'wal_level=replica', '-c', 'hot_standby=on',
  ]);
  const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
    try {
      await c.connect();
      await c.query('select 1');
      await c.end();
      return { dataDir, port, url, process: child };
    } catch {
      await c.end().catch(() => {});
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`postgres on ${port} did not start: ${err}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

async function stopServer(s: Server): Promise<void> {
  if (s.process.exitCode !== null) return;
  const exited = new Promise((r) => s.process.once('exit', r));
  // pg_ctl signals the postmaster itself (the spawned process may be runuser in front of it).
  await run(...asPostgres(path.join(BIN, 'pg_ctl'), ['stop', '-D', s.dataDir, '-m', 'immediate', '-w'])).catch(() => s.process.kill('SIGKILL'));
  await exited;
}

export interface PrimaryWithReplica {
  primaryUrl: string;
  replicaUrl: string;
  /** Waits until the replica has replayed everything the primary has written so far. */
  caughtUp(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A throwaway PostgreSQL primary (initdb on a free port) and a streaming replica of it made with
 * `pg_basebackup -R` on a second port, both real servers in a temporary folder, stopped and
 * removed by `stop()`. The machine's own cluster is not touched.
 */
export async function startPrimaryWithReplica(): Promise<PrimaryWithReplica> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'closeloop-replica-'));
  fs.chmodSync(root, 0o777);
  const primaryDir = path.join(root, 'primary');
  const replicaDir = path.join(root, 'replica');
  const chown = async (dir: string) => {
    if (process.getuid?.() === 0) await run('chown', ['-R', 'postgres:postgres', dir]);
  };
  fs.mkdirSync(primaryDir, { mode: 0o700 });
  await chown(primaryDir);
  await run(...asPostgres(path.join(BIN, 'initdb'), ['-D', primaryDir, '-A', 'trust', '-U', 'postgres', '--no-sync']));
  fs.appendFileSync(path.join(primaryDir, 'pg_hba.conf'), '\nhost replication all 127.0.0.1/32 trust\n');
  const primary = await startServer(primaryDir, await freePort());
  let replica: Server | null = null;
  try {
    fs.mkdirSync(replicaDir, { mode: 0o700 });
    await chown(replicaDir);
    await run(...asPostgres(path.join(BIN, 'pg_basebackup'), ['-h', '127.0.0.1', '-p', String(primary.port), '-U', 'postgres', '-D', replicaDir, '-R', '-X', 'stream', '-c', 'fast']));
    replica = await startServer(replicaDir, await freePort());
  } catch (err) {
    await stopServer(primary);
    throw err;
  }
  const r = replica;
  return {
    primaryUrl: primary.url,
    replicaUrl: r.url,
    async caughtUp() {
      const p = new pg.Client({ connectionString: primary.url });
      const s = new pg.Client({ connectionString: r.url });
      await p.connect();
      await s.connect();
      try {
        const lsn = (await p.query<{ l: string }>('select pg_current_wal_lsn()::text as l')).rows[0]!.l;
        const deadline = Date.now() + 15_000;
        for (;;) {
          const done = (await s.query<{ ok: boolean }>('select pg_last_wal_replay_lsn() >= $1::pg_lsn as ok', [lsn])).rows[0]!.ok;
          if (done) return;
          if (Date.now() > deadline) throw new Error('replica did not catch up within 15 s');
          await new Promise((res) => setTimeout(res, 50));
        }
      } finally {
        await p.end();
        await s.end();
      }
    },
    async stop() {
      await stopServer(r);
      await stopServer(primary);
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}
