import type { Config } from '../config.js';
import type { Db, DialectKind } from '../db/index.js';
import type { Clock } from '../domain/shared/clock.js';

/** What route handlers and jobs are given; built once in the CLI or in a test. */
export interface Deps {
  db: Db;
  dbKind: DialectKind;
  config: Config;
  clock: Clock;
}
