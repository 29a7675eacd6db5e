import { createHash } from 'node:crypto';
import pg from 'pg';
import { noteStatement } from './auth-writes.js';

/**
 * Hot-path statements run as NAMED prepared statements on PostgreSQL: each connection parses and
 * plans one of them once, then only binds and executes it. An unnamed statement (what node-postgres
 * sends otherwise) is parsed, analysed and planned again on every run, which was about half of
 * PostgreSQL's CPU per case transition.
 *
 * Only SQL registered here is named: the fixed-shape queries of db/prepared.ts. Their number is
 * bounded (each is one shape of a query written in the code), so the per-connection cache is too.
 */
const names = new Map<string, string>();

/** Marks a SQL text as one to run as a named statement (idempotent). */
export function nameStatement(sql: string): void {
  if (!names.has(sql)) names.set(sql, `cl_${createHash('sha1').update(sql).digest('hex').slice(0, 20)}`);
}

/** The statement name of a registered SQL text, if any. */
export const statementName = (sql: string): string | undefined => names.get(sql);

/** What pg keeps of a statement's RowDescription to read its rows (pg's Result fields). */
interface RowShape {
  fields: unknown[];
  parsers: unknown[];
  empty: Record<string, null>;
}
/** pg's internals this file relies on (pg 8: lib/query.js and lib/result.js). */
interface PgQueryInternals {
  name: string;
  portal: string;
  values: unknown[] | undefined;
  binary: boolean | undefined;
  rows: number | undefined;
  _accumulateRows: boolean;
  _result: { fields: unknown[]; _parsers: unknown[]; _prebuiltEmptyResultObject: Record<string, null> };
  _getRows(connection: unknown, rows: number | undefined): void;
  hasBeenParsed(connection: unknown): boolean;
  handleError(err: unknown, connection: unknown): void;
}
/** pg's own mapping of a bound value to its wire text (what its Query.prepare uses). */
const prepareValue = (pg as unknown as { utils: { prepareValue: (v: unknown) => unknown } }).utils.prepareValue;
/** Per pg connection (each has its own prepared statements): the row shape of each named statement. */
const rowShapes = new WeakMap<object, Map<string, RowShape>>();

/**
 * A named statement's run that skips the Describe message once its connection has seen the
 * statement's row description: pg sends Bind, Describe, Execute and Sync on every run, and
 * PostgreSQL answers the Describe with the same RowDescription each time, which pg then parses and
 * turns into its row readers again (about 4 % of the server's CPU on the case loop). The shape is
 * kept per connection, as the prepared statement itself is: a statement's result columns cannot
 * change under it (after a schema change that would alter them, PostgreSQL refuses to run it:
 * "cached plan must not change result type"), so a kept shape is never read with other columns.
 */
class DescribedOnceQuery extends pg.Query {
  #connection: object | undefined;

  prepare(connection: object): void {
    const q = this as unknown as PgQueryInternals;
    const shape = q.hasBeenParsed(connection) ? rowShapes.get(connection)?.get(q.name) : undefined;
    this.#connection = connection;
    // biome-ignore lint/suspicious/noExplicitAny: pg's prepare is not in its type declarations
    if (!shape) return (pg.Query.prototype as any).prepare.call(this, connection);
    const c = connection as { bind(o: object): void; close(o: object): void; sync(): void };
    try {
      c.bind({ portal: q.portal, statement: q.name, values: q.values, binary: q.binary, valueMapper: prepareValue });
    } catch (err) {
      // As pg's own prepare does when a value cannot be bound: close the statement, sync, hand the error on.
      c.close({ type: 'S', name: q.name });
      c.sync();
      q.handleError(err, connection);
      return;
    }
    q._result.fields = shape.fields;
    q._result._parsers = shape.parsers;
    q._result._prebuiltEmptyResultObject = shape.empty;
    q._accumulateRows = true;
    q._getRows(connection, q.rows);
  }

  handleRowDescription(msg: unknown): void {
    // biome-ignore lint/suspicious/noExplicitAny: pg's handleRowDescription is not in its type declarations
    (pg.Query.prototype as any).handleRowDescription.call(this, msg);
    const q = this as unknown as PgQueryInternals;
    if (!this.#connection || !q.name) return;
    let shapes = rowShapes.get(this.#connection);
    if (!shapes) rowShapes.set(this.#connection, (shapes = new Map()));
    shapes.set(q.name, { fields: q._result.fields, parsers: q._result._parsers, empty: q._result._prebuiltEmptyResultObject });
  }
}

/**
 * pg.Client that sends registered SQL as named statements (pg.Pool's `Client` option).
 *
 * The statement is handed to the client as a ready pg.Query built from the text (pg's fast path)
 * with its name set after: given a config object ({ name, text, values }), pg copies it through
 * its property descriptors on every call, about 2 % of the server's CPU on the case loop.
 */
export class NamedStatementClient extends pg.Client {
  /** The open transaction wrote something a cached session depends on (db/auth-writes.ts). */
  #authDirty = false;
  // biome-ignore lint/suspicious/noExplicitAny: pg's query() has many overloads; only (text[, values]) is rewritten
  override query(...args: any[]): any {
    const [text, values] = args;
    if (typeof text === 'string') this.#authDirty = noteStatement(text, this.#authDirty);
    if (args.length <= 2 && typeof text === 'string' && (values === undefined || Array.isArray(values))) {
      const name = names.get(text);
      if (name) {
        return new Promise((resolve, reject) => {
          const query = new DescribedOnceQuery(text, values, (err: Error | undefined, res: unknown) => (err ? reject(err) : resolve(res)));
          (query as unknown as { name: string }).name = name;
          super.query(query);
        }).catch((err: Error) => {
          // As pg's own promise does: a stack that leads back to the caller, not to the socket's read.
          Error.captureStackTrace(err);
          throw err;
        });
      }
    }
    // biome-ignore lint/suspicious/noExplicitAny: see above
    return (super.query as any)(...args);
  }
}
