import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../../src/config.js';
import { createDatabase, type DatabaseHandle, migrateToLatest } from '../../src/db/index.js';
import { seedDemo } from '../../src/domain/demo/seed-demo.js';
import { type Clock, systemClock } from '../../src/domain/shared/clock.js';
import { buildApp } from '../../src/server/app.js';
import type { App } from '../../src/server/route.js';
import { signInAs } from '../helpers/app.js';
import { DIALECTS, PG_URL } from '../helpers/db.js';
import { adminQuery, readTemplates } from '../helpers/db-templates.js';
import { testLogOptions } from '../helpers/test-logs.js';

/** The folder of the server's Unix socket (unix_socket_directories holding .s.PGSQL.<port>), if any. */
async function socketDirectory(): Promise<{ dir: string; port: string } | null> {
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  try {
    const dirs = (await c.query<{ d: string }>("select current_setting('unix_socket_directories') as d")).rows[0]!.d;
    const port = (await c.query<{ p: string }>("select current_setting('port') as p")).rows[0]!.p;
    const dir = dirs.split(',').map((d) => d.trim()).find((d) => d && fs.existsSync(path.join(d, `.s.PGSQL.${port}`)));
    return dir ? { dir, port } : null;
  } finally {
    await c.end();
  }
}

const socket = DIALECTS.includes('postgres') ? await socketDirectory() : null;
if (DIALECTS.includes('postgres') && !socket) console.warn('PostgreSQL has no Unix socket on this machine: the socket test does not run.');

// docs/operations.md: with PostgreSQL on the same host, DATABASE_URL names its Unix socket
// (postgres://user@%2Fvar%2Frun%2Fpostgresql/closeloop); everything runs over it as over TCP.
describe.runIf(socket)('PostgreSQL through its Unix socket (DATABASE_URL with a percent-encoded socket folder as host)', () => {
  const name = `cl_sock_${randomBytes(6).toString('hex')}`;
  let handle: DatabaseHandle;
  let app: App;

  beforeAll(async () => {
    const templates = readTemplates();
    await adminQuery(PG_URL, templates?.postgres ? `create database ${name} template ${templates.postgres.migrated}` : `create database ${name}`);
    const user = new URL(PG_URL).username || 'postgres';
    const url = `postgres://${user}@${encodeURIComponent(socket!.dir)}:${socket!.port}/${name}`;
    const config = readConfig({ DATA_DIR: '/tmp/closeloop-test', DATABASE_URL: url });
    expect(config.database).toMatchObject({ kind: 'postgres', url });
    handle = createDatabase(config.database.kind === 'postgres' && templates?.postgres ? { ...config.database, schema: templates.postgres.schema } : config.database);
    if (!templates?.postgres) await migrateToLatest(handle.db);
    await seedDemo(handle.db, systemClock);
    app = await buildApp({ db: handle.db, dbKind: 'postgres', config, clock: systemClock as Clock }, testLogOptions('pg-unix-socket'));
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await handle?.destroy();
    await adminQuery(PG_URL, `drop database if exists ${name} with (force)`);
  });

  it('the connection is a Unix-socket one, and a case is reported and filed through the API over it', async () => {
    // A Unix-socket client has no client address.
    const who = await sql<{ addr: string | null }>`select inet_client_addr()::text as addr`.execute(handle.db);
    expect(who.rows).toEqual([{ addr: null }]);
    const patrol = await signInAs(app, 'patrol1');
    const operator = await signInAs(app, 'operator');
    const site = await handle.db.selectFrom('sites').select(['id', 'lng', 'lat', 'subdistrict_id']).orderBy('id').executeTakeFirstOrThrow();
    const cat = await handle.db.selectFrom('case_categories').select('id').where('subdistrict_id', '=', site.subdistrict_id).where('code', '=', 'A0301').executeTakeFirstOrThrow();
    const created = await app.inject({ method: 'POST', url: '/api/cases', headers: { cookie: patrol }, payload: { source: 'patrol', categoryId: cat.id, siteId: site.id, lng: Number(site.lng), lat: Number(site.lat), description: '经套接字上报' } });
    expect(created.statusCode, created.body).toBe(201);
    const filed = await app.inject({ method: 'POST', url: `/api/cases/${created.json().id}/transitions`, headers: { cookie: operator }, payload: { action: 'file', version: created.json().version } });
    expect(filed.statusCode, filed.body).toBe(200);
    expect(filed.json()).toMatchObject({ id: created.json().id, status: 'filed' });
    const events = await handle.db.selectFrom('case_events').select('action').where('case_id', '=', created.json().id).orderBy('seq').execute();
    expect(events.map((e) => e.action)).toEqual(['report', 'file']);
  });
});
