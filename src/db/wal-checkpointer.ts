import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

const CHECKPOINT_INTERVAL_MS = 1000;

// Runs in a worker thread with its own connection to the same file.
const WORKER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const SQLite = require(workerData.driver);
const db = new SQLite(workerData.file);
db.pragma('busy_timeout = 5000');
const timer = setInterval(() => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch { /* busy: the next round catches up */ }
}, workerData.intervalMs);
parentPort.on('message', () => { clearInterval(timer); try { db.pragma('wal_checkpoint(PASSIVE)'); } catch {} db.close(); process.exit(0); });
`;

/**
 * better-sqlite3 is synchronous: an automatic WAL checkpoint (copying pages back into the database
 * and fsyncing it) runs inside whichever commit crosses the threshold and stalls every request
 * queued behind it. The main connection therefore turns automatic checkpoints off and this worker
 * thread checkpoints the same file every second (PASSIVE: never blocks writers or readers).
 */
export function startWalCheckpointer(file: string): { stop(): Promise<void> } {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file, driver, intervalMs: CHECKPOINT_INTERVAL_MS } });
  worker.unref();
  return {
    async stop() {
      // Keep the process alive until the worker has made its last checkpoint and closed.
      worker.ref();
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      worker.postMessage('stop');
      await exited;
    },
  };
}
