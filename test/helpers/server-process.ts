import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { logChildOutput } from './test-logs.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** The V8 flags `npm start` runs the server with (package.json "start"), read from package.json. */
export function startNodeFlags(): string[] {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } };
  return pkg.scripts.start.split(/\s+/).filter((a) => a.startsWith('--max-'));
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

export interface ServerProcess {
  url: string;
  pid: number;
  child: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** Resident set size in bytes, from /proc. */
  rss(): number;
  stop(): Promise<void>;
}

/**
 * A real `closeloop start --no-build` process (a temp-dir SQLite database, the demo seeded, no web
 * build), started with the same heap flags as `npm start`.
 */
export async function startServerProcess(env: Record<string, string> = {}, o: { seedFirst?: boolean } = {}): Promise<ServerProcess> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'closeloop-proc-'));
  const port = await freePort();
  if (o.seedFirst) {
    // The demo seeded by `closeloop seed --demo` in a process of its own: the server measured holds
    // only what serving needs, not what generating four weeks of history and photos left behind.
    const seed = spawn(process.execPath, [path.join(ROOT, 'bin/closeloop.js'), 'seed', '--demo'], {
      cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOME: dir, DATA_DIR: dir, LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    seed.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    const code = await new Promise<number | null>((resolve) => seed.once('exit', resolve));
    if (code !== 0) throw new Error(`seed --demo exited (${code}): ${err.slice(-2000)}`);
  }
  let out = '';
  const child = spawn(process.execPath, [...startNodeFlags(), path.join(ROOT, 'bin/closeloop.js'), 'start', '--no-build'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: dir, DATA_DIR: dir, HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  logChildOutput('server-process', child);
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`server exited (${code}): ${out.slice(-2000)}`))));
  const ready = (async () => {
    for (;;) {
      try {
        if ((await fetch(`${url}/healthz`)).ok) return;
      } catch {
        /* not listening yet */
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  })();
  await Promise.race([ready, exited]);
  exited.catch(() => undefined);
  return {
    url,
    pid: child.pid!,
    child,
    output: () => out,
    rss() {
      const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
      return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
    },
    async stop() {
      if (child.exitCode === null) {
        const gone = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await gone;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Signs in over HTTP; returns the Cookie header value. */
export async function signInOverHttp(url: string, username: string, password = 'closeloop2026'): Promise<string> {
  const res = await fetch(`${url}/api/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: url },
    body: JSON.stringify({ username, password }),
  });
  if (!res.ok) throw new Error(`sign-in ${username}: ${res.status} ${await res.text()}`);
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('cl_session='));
  if (!cookie) throw new Error('no session cookie');
  return cookie.split(';')[0]!;
}
