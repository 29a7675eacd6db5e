import fs from 'node:fs';
import path from 'node:path';

/**
 * Every server a test starts writes its log into this run's log folder (set by
 * test/global/log-audit.ts), so the run's last step can grep all of them for personal data.
 */
export const TEST_LOG_DIR_ENV = 'CLOSELOOP_TEST_LOG_DIR';

export function testLogDir(): string | null {
  return process.env[TEST_LOG_DIR_ENV] || null;
}

let serial = 0;
/** A new append-only file in the run's log folder (null when the run has none). */
export function testLogFile(name: string): fs.WriteStream | null {
  const dir = testLogDir();
  if (!dir) return null;
  const file = path.join(dir, `${name}-${process.pid}-${++serial}.log`);
  return fs.createWriteStream(file, { flags: 'a' });
}

/** buildApp options: the app logs to a file of the run's log folder, as a real server logs. */
export function testLogOptions(name: string): { logger?: true; logStream?: { write(line: string): void } } {
  const file = testLogFile(name);
  return file ? { logger: true, logStream: { write: (line: string) => void file.write(line) } } : {};
}

/** Copies a child process's output into the run's log folder. */
export function logChildOutput(name: string, child: { stdout: NodeJS.ReadableStream | null; stderr: NodeJS.ReadableStream | null }) {
  const file = testLogFile(name);
  if (!file) return;
  child.stdout?.on('data', (c: Buffer) => file.write(c));
  child.stderr?.on('data', (c: Buffer) => file.write(c));
}
