import type { Config } from '../config.js';
import { type Db, type DialectKind, isPostgres } from '../db/index.js';
import type { Clock } from '../domain/shared/clock.js';
import { ReplicaReads } from './read-replica.js';

/** What route handlers and jobs are given; built once in the CLI or in a test. */
export interface Deps {
  db: Db;
  /** A streaming replica for dashboard and list reads (DATABASE_READ_URL); absent = the primary. */
  readDb?: Db;
  /** Set while the process shuts down: /readyz fails first, then new requests get 503. */
  lifecycle?: Lifecycle;
  /** Prometheus metrics of this app (set by buildApp). */
  metrics?: { contentType: string; text(): Promise<string> };
  dbKind: DialectKind;
  /** Runs one round of a background job now, audited (set by `serve`; absent = not offered). */
  /** Names of the jobs this instance can run (with runJob) */
  jobNames?: () => string[];
  runJob?: (name: string, actor: { userId: string | null; username: string; role: string }, ip: string | null) => Promise<{ job: string; ran: boolean; handled: number; error: string | null }>;
  config: Config;
  clock: Clock;
}

export interface Lifecycle {
  /** /readyz answers 503 so the load balancer stops sending new requests. */
  draining: boolean;
  /** The server is closing: any request still arriving gets 503 with Retry-After. */
  closing: boolean;
}

const replicas = new WeakMap<Db, ReplicaReads>();

/** The replica reads of `deps` (with their fallback to the primary), when a replica is configured. */
export function replicaReads(deps: Pick<Deps, 'db' | 'readDb'>): ReplicaReads | null {
  if (!deps.readDb || deps.readDb === deps.db || !isPostgres(deps.readDb)) return null;
  let reads = replicas.get(deps.readDb);
  if (!reads || reads.primary !== deps.db) replicas.set(deps.readDb, (reads = new ReplicaReads(deps.readDb, deps.db)));
  return reads;
}

/**
 * The database for dashboard and list reads: the streaming replica when one is configured
 * (DATABASE_READ_URL), else the primary; while the replica cannot be reached, the primary
 * (read-replica.ts). Only for reads that may lag the primary by the replica's replay delay
 * (a second or less); never inside a write's read-modify-write.
 */
export const reader = (deps: Deps): Db => replicaReads(deps)?.db ?? deps.readDb ?? deps.db;
