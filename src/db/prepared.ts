import { type Compilable, type Insertable, PostgresAdapter, type QueryResult } from 'kysely';
import type { Db } from './index.js';
import { nameStatement } from './pg-named-statements.js';
import { runStatement } from './run-statement.js';
import type { Database } from './schema.js';

/**
 * A Kysely query built and compiled ONCE per engine, then run with new parameter values.
 *
 * Building and compiling a Kysely query costs ~20 µs — more than SQLite takes to run a small
 * indexed query — and the hottest paths (session lookup, case transition, hash chain) run a dozen
 * per request. `prepared` calls `build` once with placeholder arguments, remembers the SQL and
 * which parameter is which argument, and afterwards only swaps the values in.
 *
 * `build` must be shape-pure: the SQL it produces may not depend on its arguments' values (no
 * `if (arg)`, no `in (list)` of variable length); each argument must reach the query as a bound
 * parameter. Both are checked when the query is first compiled.
 *
 * On PostgreSQL the SQL also runs as a named prepared statement (pg-named-statements.ts): parsed
 * and planned once per connection instead of on every run; outside a transaction, on a connection
 * taken from the pool directly (run-statement.ts).
 */
const MARK = '\u0000closeloop-arg:';
const placeholder = (i: number) => `${MARK}${i}\u0000`;
const PLACEHOLDER_RE = /^\u0000closeloop-arg:(\d+)\u0000$/;

type Slot = number | { value: unknown };

export interface Prepared<A extends unknown[], O> {
  /** How many arguments the query binds. */
  arity: number;
  /** The SQL and its parameter values, not run (to embed in a larger statement). */
  compile(db: Db, ...args: A): { sql: string; parameters: unknown[] };
  run(db: Db, ...args: A): Promise<QueryResult<O>>;
  all(db: Db, ...args: A): Promise<O[]>;
  first(db: Db, ...args: A): Promise<O | undefined>;
}

/** Every prepared query made so far (those of loaded modules), for the query-plan test. */
const made: Prepared<unknown[], unknown>[] = [];
export const preparedQueries = (): readonly Prepared<unknown[], unknown>[] => made;

export function prepared<A extends unknown[], O>(build: (db: Db, ...args: A) => Compilable<O>, arity = build.length - 1): Prepared<A, O> {
  const byEngine = new Map<unknown, { sql: string; slots: Slot[] }>();
  const compiled = (db: Db) => {
    const engine = db.getExecutor().adapter.constructor;
    let c = byEngine.get(engine);
    if (!c) {
      const q = build(db, ...(Array.from({ length: arity }, (_, i) => placeholder(i)) as A)).compile();
      if (q.sql.includes(MARK)) throw new Error(`prepared query inlines an argument: ${q.sql}`);
      const slots = q.parameters.map((p): Slot => {
        const m = typeof p === 'string' ? PLACEHOLDER_RE.exec(p) : null;
        return m ? Number(m[1]) : { value: p };
      });
      for (let i = 0; i < arity; i++) {
        if (!slots.includes(i)) throw new Error(`prepared query does not bind argument ${i}: ${q.sql}`);
      }
      c = { sql: q.sql, slots };
      if (db.getExecutor().adapter instanceof PostgresAdapter) nameStatement(q.sql);
      byEngine.set(engine, c);
    }
    return c;
  };
  const compile = (db: Db, ...args: A) => {
    const c = compiled(db);
    return { sql: c.sql, parameters: c.slots.map((s) => (typeof s === 'number' ? args[s] : s.value)) };
  };
  const run = (db: Db, ...args: A) => {
    const c = compile(db, ...args);
    return runStatement<O>(db, c.sql, c.parameters);
  };
  const p: Prepared<A, O> = {
    arity,
    compile,
    run,
    all: async (db, ...args) => (await run(db, ...args)).rows,
    first: async (db, ...args) => (await run(db, ...args)).rows[0],
  };
  if (made.length < 5000) made.push(p as unknown as Prepared<unknown[], unknown>);
  return p;
}

/** A family of prepared queries whose shape is chosen by a key (e.g. the list of columns an UPDATE sets). */
export function preparedFamily<K extends string, A extends unknown[], O>(
  make: (key: K) => { build: (db: Db, ...args: A) => Compilable<O>; arity: number },
): (key: K) => Prepared<A, O> {
  const members = new Map<K, Prepared<A, O>>();
  return (key) => {
    let p = members.get(key);
    if (!p) {
      const m = make(key);
      p = prepared(m.build, m.arity);
      if (members.size < 1000) members.set(key, p);
    }
    return p;
  };
}

/**
 * INSERT of one row into `table`, prepared per set of columns present (undefined = omitted), with
 * an optional ON CONFLICT clause (shape-pure: no arguments) and RETURNING columns.
 */
export function preparedInsert<T extends keyof Database, R = Record<string, unknown>>(
  table: T,
  // biome-ignore lint/suspicious/noExplicitAny: Kysely's OnConflictBuilder for a table known only at run time
  opts: { doNothingOn?: string[]; onConflict?: (oc: any) => any; returning?: string | string[] } = {},
) {
  const family = preparedFamily((key: string) => {
    const cols = key.split(',');
    return {
      arity: cols.length,
      build: (db: Db, ...v: unknown[]) => {
        // biome-ignore lint/suspicious/noExplicitAny: the row's columns are only known at run time
        let q: any = db.insertInto(table).values(Object.fromEntries(cols.map((c, i) => [c, v[i]])) as any);
        if (opts.doNothingOn) q = q.onConflict((oc: any) => oc.columns(opts.doNothingOn).doNothing());
        if (opts.onConflict) q = q.onConflict(opts.onConflict);
        if (opts.returning) q = q.returning(opts.returning);
        return q as Compilable<R>;
      },
    };
  });
  return {
    /** Inserts `row` (a full row of `table`); resolves with the RETURNING rows, if any. */
    run(db: Db, row: Insertable<Database[T]>): Promise<QueryResult<R>> {
      const r = row as Record<string, unknown>;
      const cols = Object.keys(r).filter((k) => r[k] !== undefined).sort();
      return family(cols.join(',')).run(db, ...cols.map((c) => r[c]));
    },
  };
}
