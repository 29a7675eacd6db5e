import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createDatabase } from '../../src/db/index.js';
import { seedDemo } from '../../src/domain/demo/seed-demo.js';
import { systemClock } from '../../src/domain/shared/clock.js';
import { adminQuery } from './db-templates.js';
import { logChildOutput } from './test-logs.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(ROOT, 'bin/closeloop.js');
const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A free TCP port on 127.0.0.1 (asked of the OS, then released for the server to take). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

const admin = (statement: string) => adminQuery(PG_URL, statement);

export interface Instance {
  name: string;
  port: number;
  url: string;
  /** Everything the process printed (for failure messages). */
  output(): string;
  process: ChildProcess;
  /** Sends a signal and waits for the exit; resolves to the exit code (null when killed by a signal). */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | null>;
}

export interface Cluster {
  databaseUrl: string;
  instances: Instance[];
  /** The environment every instance was started with (add an instance later with the same). */
  env: Record<string, string>;
  /** Starts one more instance on the same database. */
  addInstance(extraEnv?: Record<string, string>): Promise<Instance>;
  /** Stops every instance still running and drops the database. */
  close(): Promise<void>;
}

export interface ClusterOptions {
  instances?: number;
  /** Environment for every instance (e.g. storage settings). */
  env?: Record<string, string>;
  /** Per-instance environment, by index. */
  envOf?: (index: number) => Record<string, string>;
  /** Seeds the Hongqiao demo (default true). */
  seed?: boolean;
  readyTimeoutMs?: number;
}

async function waitReady(inst: Instance, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (inst.process.exitCode !== null) throw new Error(`${inst.name} exited with ${inst.process.exitCode}:\n${inst.output()}`);
    try {
      const res = await fetch(`${inst.url}/readyz`, { signal: AbortSignal.timeout(1000) });
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${inst.name} not ready within ${timeoutMs} ms:\n${inst.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Real `closeloop serve` processes (the CLI bundle, as production runs it) on free ports, all on
 * one new PostgreSQL database that is migrated and seeded with the demo first. Each instance has
 * its own DATA_DIR, so nothing is shared through the local disk by accident. `close()` stops them
 * and drops the database.
 */
export async function startCluster(opts: ClusterOptions = {}): Promise<Cluster> {
  const dbName = `cl_multi_${randomBytes(5).toString('hex')}`;
  await admin(`create database ${dbName}`);
  const u = new URL(PG_URL);
  u.pathname = `/${dbName}`;
  const databaseUrl = u.toString();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'closeloop-multi-'));
  const env: Record<string, string> = { DATABASE_URL: databaseUrl, HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...opts.env };
  const instances: Instance[] = [];
  try {
    // Migrates the new database (and builds the CLI bundle once if sources changed) before any
    // server starts, so the instances do not race to build it.
    await promisify(execFile)(process.execPath, [BIN, 'migrate'], { env: { ...process.env, ...env, DATA_DIR: path.join(tmp, 'migrate') }, cwd: ROOT });
    if (opts.seed !== false) {
      const h = createDatabase({ kind: 'postgres', url: databaseUrl });
      try {
        await seedDemo(h.db, systemClock);
      } finally {
        await h.destroy();
      }
    }
  } catch (err) {
    await admin(`drop database if exists ${dbName} with (force)`);
    throw err;
  }

  const addInstance = async (extraEnv: Record<string, string> = {}): Promise<Instance> => {
    const index = instances.length;
    const port = await freePort();
    const dataDir = path.join(tmp, `instance-${index + 1}`);
    fs.mkdirSync(dataDir, { recursive: true });
    const child = spawn(process.execPath, [BIN, 'serve', '--no-build'], {
      cwd: ROOT,
      env: { ...process.env, ...env, ...(opts.envOf?.(index) ?? {}), ...extraEnv, PORT: String(port), DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    logChildOutput(`instance-${index + 1}`, child);
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const inst: Instance = {
      name: `instance-${index + 1}`,
      port,
      url: `http://127.0.0.1:${port}`,
      process: child,
      output: () => out,
      async stop(signal = 'SIGTERM', timeoutMs = 20_000) {
        if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
        child.kill(signal);
        const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
        try {
          return await exited;
        } finally {
          clearTimeout(timer);
        }
      },
    };
    instances.push(inst);
    await waitReady(inst, opts.readyTimeoutMs ?? 60_000);
    return inst;
  };

  const cluster: Cluster = {
    databaseUrl,
    instances,
    env,
    addInstance,
    async close() {
      await Promise.all(instances.map((i) => i.stop('SIGTERM').catch(() => null)));
      await admin(`drop database if exists ${dbName} with (force)`);
      fs.rmSync(tmp, { recursive: true, force: true });
    },
  };
  try {
    await Promise.all(Array.from({ length: opts.instances ?? 2 }, () => addInstance()));
  } catch (err) {
    await cluster.close();
    throw err;
  }
  return cluster;
}

/** Signs in over HTTP; returns the cookie header to send. */
export async function signInOver(baseUrl: string, username: string, password = 'closeloop2026'): Promise<string> {
  const res = await fetch(`${baseUrl}/api/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (res.status !== 200) throw new Error(`sign-in as ${username} at ${baseUrl}: ${res.status} ${await res.text()}`);
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('cl_session='));
  if (!cookie) throw new Error('no session cookie');
  return cookie.split(';')[0]!;
}
