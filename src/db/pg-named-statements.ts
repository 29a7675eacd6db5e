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
          const query = new pg.Query(text, values, (err: Error | undefined, res: unknown) => (err ? reject(err) : resolve(res)));
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
