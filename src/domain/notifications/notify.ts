import { CompiledQuery, PostgresAdapter, sql } from 'kysely';
import type { Db } from '../../db/index.js';
import { nameStatement } from '../../db/pg-named-statements.js';
import { prepared, preparedFamily, preparedInsert } from '../../db/prepared.js';
import type { Role } from '../../db/schema.js';
import type { Clock } from '../shared/clock.js';
import { newId } from '../shared/ids.js';
import { wecomText } from './wecom.js';

export interface NotifyRecipients {
  userIds?: string[];
  /** Every active staff member of this handling unit. */
  handlingUnitId?: string | null;
  /**
   * Active staff with these roles whose scope covers the whole subdistrict, and with committeeId
   * also those scoped to that committee: a committee's staff never hear of another committee.
   */
  roles?: Role[];
  committeeId?: string | null;
}

export interface Notification {
  subdistrictId: string;
  recipients: NotifyRecipients;
  kind: string;
  title: string;
  body: string;
  caseId?: string | null;
  /** A repeated key (within the subdistrict) inserts nothing: notifications fire once. */
  dedupeKey?: string;
}

const insertNotification = preparedInsert('notifications', { doNothingOn: ['subdistrict_id', 'dedupe_key'], returning: 'id' });
/** n inbox rows in one INSERT, prepared per n. */
const INBOX_COLUMNS = ['id', 'notification_id', 'user_id', 'created_at', 'read_at'] as const;
const insertInboxItems = preparedFamily((n: string) => ({
  arity: Number(n) * INBOX_COLUMNS.length,
  build: (db: Db, ...v: unknown[]) =>
    db.insertInto('inbox_items').values(
      Array.from({ length: Number(n) }, (_, k) => Object.fromEntries(INBOX_COLUMNS.map((c, i) => [c, v[k * INBOX_COLUMNS.length + i]]))) as never,
    ),
}));
const insertDelivery = preparedInsert('webhook_deliveries');
const unitStaff = prepared((db: Db, unitId: string, subdistrictId: string) =>
  db
    .selectFrom('users')
    .innerJoin('handling_units', 'handling_units.id', 'users.handling_unit_id')
    .select(['users.id', 'users.phone'])
    .where('users.handling_unit_id', '=', unitId)
    .where('handling_units.subdistrict_id', '=', subdistrictId)
    .where('users.status', '=', 'active'),
);

const usersScopedTo = (db: Db, subdistrictId: string) =>
  db.selectFrom('user_scopes').select('user_scopes.user_id').where('user_scopes.subdistrict_id', '=', subdistrictId);
/** Active users among n ids who belong to (or are scoped into) the subdistrict. */
const namedUsers = preparedFamily((n: string) => ({
  arity: 1 + Number(n),
  build: (db: Db, subdistrictId: unknown, ...ids: unknown[]) =>
    db
      .selectFrom('users')
      .select(['id', 'phone'])
      .where('id', 'in', ids as string[])
      .where('status', '=', 'active')
      .where((eb) => eb.or([eb('subdistrict_id', '=', subdistrictId as string), eb('id', 'in', usersScopedTo(db, subdistrictId as string))])),
}));
/** Active users with one of n roles scoped to the whole subdistrict or (key ':committee') to it or one committee. */
const roleHolders = preparedFamily((key: string) => {
  const [n, level] = key.split(':') as [string, 'committee' | 'subdistrict'];
  return {
    arity: 1 + (level === 'committee' ? 1 : 0) + Number(n),
    build: (db: Db, subdistrictId: unknown, ...rest: unknown[]) => {
      let scoped = usersScopedTo(db, subdistrictId as string);
      if (level === 'committee') {
        const committeeId = rest.shift() as string;
        scoped = scoped.where((eb) => eb.or([eb('user_scopes.committee_id', 'is', null), eb('user_scopes.committee_id', '=', committeeId)]));
      } else {
        // A holder of the role scoped to one committee hears only of that committee (committeeId).
        scoped = scoped.where('user_scopes.committee_id', 'is', null);
      }
      return db
        .selectFrom('users')
        .select(['id', 'phone'])
        .where('role', 'in', rest as Role[])
        .where('status', '=', 'active')
        .where('id', 'in', scoped);
    },
  };
});

/**
 * The recipients spec's users (as resolveRecipients) and the subdistrict's webhook address, in ONE
 * statement: rows tagged 'u' (id, phone) and at most one tagged 'h' (the url in id). Prepared per
 * (number of user ids, unit or not, number of roles, committee or not).
 */
const recipientsAndHook = preparedFamily((key: string) => {
  const [n, unit, roles, committee] = key.split(':').map(Number) as [number, number, number, number];
  return {
    arity: 1 + n + unit + committee + roles,
    build: (db: Db, subdistrictId: unknown, ...rest: unknown[]) => {
      const ids = rest.slice(0, n) as string[];
      const unitId = rest[n] as string;
      const committeeId = rest[n + unit] as string;
      const roleList = rest.slice(n + unit + committee) as Role[];
      const tag = (k: 'u' | 'h') => sql<string>`${sql.lit(k)}`.as('k');
      let q = db
        .selectFrom('notification_webhooks')
        .select([tag('h'), 'url as id', sql<string | null>`null`.as('phone')])
        .where('subdistrict_id', '=', subdistrictId as string)
        .where('enabled', '=', 1);
      if (n) {
        q = q.unionAll(
          db
            .selectFrom('users')
            .select([tag('u'), 'id', 'phone'])
            .where('id', 'in', ids)
            .where('status', '=', 'active')
            .where((eb) => eb.or([eb('subdistrict_id', '=', subdistrictId as string), eb('id', 'in', usersScopedTo(db, subdistrictId as string))])),
        );
      }
      if (unit) {
        q = q.unionAll(
          db
            .selectFrom('users')
            .innerJoin('handling_units', 'handling_units.id', 'users.handling_unit_id')
            .select([tag('u'), 'users.id', 'users.phone'])
            .where('users.handling_unit_id', '=', unitId)
            .where('handling_units.subdistrict_id', '=', subdistrictId as string)
            .where('users.status', '=', 'active'),
        );
      }
      if (roles) {
        let scoped = usersScopedTo(db, subdistrictId as string);
        scoped = committee
          ? scoped.where((eb) => eb.or([eb('user_scopes.committee_id', 'is', null), eb('user_scopes.committee_id', '=', committeeId)]))
          : scoped.where('user_scopes.committee_id', 'is', null);
        q = q.unionAll(db.selectFrom('users').select([tag('u'), 'id', 'phone']).where('role', 'in', roleList).where('status', '=', 'active').where('id', 'in', scoped));
      }
      return q;
    },
  };
});

const NOTIFICATION_COLUMNS = ['id', 'subdistrict_id', 'kind', 'title', 'body', 'case_id', 'dedupe_key'] as const;
const DELIVERY_COLUMNS = ['id', 'subdistrict_id', 'url', 'payload'] as const;

/**
 * PostgreSQL: the notification, its inbox rows and its outbox row as data-modifying CTEs n, i and d
 * (parameters from `p`, in the order of PlannedNotice.args); the inbox and outbox rows are written
 * only if the notification was (a repeated dedupe key writes nothing). With `gate`, the
 * notification is written only if that CTE returned a row (a transition's case write: a stale
 * case writes no notification either).
 */
export function pgNoticeCtes(p: (type?: string) => string, inbox: number, gate: string | null): string {
  const at = p('timestamptz');
  const notification = NOTIFICATION_COLUMNS.map(() => p());
  const delivery = DELIVERY_COLUMNS.map(() => p());
  const rows = Array.from({ length: inbox }, () => `(${p()}, ${p()})`);
  const values = `${notification.join(', ')}, ${at}`;
  return [
    `n as (insert into notifications (${NOTIFICATION_COLUMNS.join(', ')}, created_at) ${gate ? `select ${values} from ${gate}` : `values (${values})`}`,
    ' on conflict (subdistrict_id, dedupe_key) do nothing returning id)',
    inbox ? `, i as (insert into inbox_items (id, notification_id, user_id, created_at, read_at) select x.id, n.id, x.user_id, ${at}, null from n cross join (values ${rows.join(', ')}) as x(id, user_id))` : '',
    `, d as (insert into webhook_deliveries (${DELIVERY_COLUMNS.join(', ')}, notification_id, status, attempts, next_attempt_at, claim_token, claimed_until, last_error, sent_at, created_at, updated_at)`,
    ` select ${delivery.join(', ')}, n.id, 'pending', 0, ${at}, null, null, null, null, ${at}, ${at} from n)`,
  ].join('');
}

/** The notice in ONE statement on its own (keyed by the number of inbox rows). */
const pgNoticeSql = new Map<number, string>();
function pgNotice(inbox: number): string {
  let text = pgNoticeSql.get(inbox);
  if (text) return text;
  let k = 0;
  text = `with ${pgNoticeCtes((type = 'text') => `$${++k}::${type}`, inbox, null)} select id from n`;
  nameStatement(text);
  pgNoticeSql.set(inbox, text);
  return text;
}

/** At most this many inbox rows go into the notice's own statement; more follow in chunks. */
const INBOX_CHUNK = 100;

/**
 * A notification ready to write on PostgreSQL: its recipients and webhook address are read, its
 * rows are the parameters of pgNoticeCtes (`inbox` inbox rows); `rest` are recipients beyond the
 * first chunk, written after it.
 */
export interface PlannedNotice {
  id: string;
  now: string;
  inbox: number;
  args: unknown[];
  rest: { userId: string }[];
}

/** Reads who hears of `n` and where its webhook goes (one statement), and lays out its rows. */
async function planNotice(db: Db, clock: Clock, n: Notification) {
  const now = clock.now().toISOString();
  const id = newId();
  const r = n.recipients;
  const userIds = r.userIds ?? [];
  const roles = r.roles ?? [];
  const found = await recipientsAndHook(`${userIds.length}:${r.handlingUnitId ? 1 : 0}:${roles.length}:${roles.length && r.committeeId ? 1 : 0}`).all(
    db, n.subdistrictId, ...userIds, ...(r.handlingUnitId ? [r.handlingUnitId] : []), ...(roles.length && r.committeeId ? [r.committeeId] : []), ...roles,
  );
  const people = new Map<string, string | null>();
  for (const row of found) if (row.k === 'u') people.set(row.id, row.phone);
  const recipients = [...people].map(([userId, phone]) => ({ userId, phone }));
  const hook = found.find((row) => row.k === 'h')?.id ?? null;
  const message = JSON.stringify(wecomText(n.title, n.body, recipients.map((x) => x.phone ?? '').filter(Boolean)));
  const notification = { id, subdistrict_id: n.subdistrictId, kind: n.kind, title: n.title, body: n.body, case_id: n.caseId ?? null, dedupe_key: n.dedupeKey ?? null };
  const delivery = { id: newId(), subdistrict_id: n.subdistrictId, url: hook, payload: message };
  const first = recipients.slice(0, INBOX_CHUNK);
  const args = [now, ...NOTIFICATION_COLUMNS.map((c) => notification[c]), ...DELIVERY_COLUMNS.map((c) => delivery[c]), ...first.flatMap((x) => [newId(), x.userId])];
  return { id, now, inbox: first.length, args, rest: recipients.slice(INBOX_CHUNK), notification, delivery, recipients };
}

/**
 * PostgreSQL: a notification planned for a statement that writes it together with other rows
 * (pgNoticeCtes). undefined when it cannot be one statement (more recipients than one chunk).
 */
export async function plannedNotice(db: Db, clock: Clock, n: Notification): Promise<PlannedNotice | undefined> {
  const plan = await planNotice(db, clock, n);
  return plan.rest.length ? undefined : { id: plan.id, now: plan.now, inbox: plan.inbox, args: plan.args, rest: plan.rest };
}

/**
 * Records a notification inside the CALLER's transaction: one inbox row per recipient and one
 * webhook outbox row, delivered later by the webhook job (jobs/webhook-deliveries.ts), so a
 * delivery problem never blocks or undoes the caller's work. Only database errors throw.
 * Two statements on PostgreSQL (who and where, then the writes); SQLite writes row by row.
 */
export async function notify(db: Db, clock: Clock, n: Notification): Promise<void> {
  const plan = await planNotice(db, clock, n);
  const { id, now, recipients, notification, delivery } = plan;
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    // One statement for every recipient's inbox row (in chunks, far below the parameter limit).
    const inserted = (await db.executeQuery(CompiledQuery.raw(pgNotice(plan.inbox), plan.args))).rows.length > 0;
    for (let i = 0; inserted && i < plan.rest.length; i += INBOX_CHUNK) await insertInbox(db, id, plan.rest.slice(i, i + INBOX_CHUNK), now);
    return;
  }
  const inserted = (await insertNotification.run(db, { ...notification, created_at: now })).rows[0] as { id: string } | undefined;
  if (!inserted) return;
  for (let i = 0; i < recipients.length; i += INBOX_CHUNK) await insertInbox(db, id, recipients.slice(i, i + INBOX_CHUNK), now);
  await insertDelivery.run(db, {
    ...delivery, notification_id: id, status: 'pending', attempts: 0, next_attempt_at: now, claim_token: null, claimed_until: null, last_error: null, sent_at: null, created_at: now, updated_at: now,
  });
}

function insertInbox(db: Db, notificationId: string, chunk: { userId: string }[], now: string) {
  return insertInboxItems(String(chunk.length)).run(db, ...chunk.flatMap((x) => [newId(), notificationId, x.userId, now, null]));
}

/** Active users named by the recipients spec, all within the subdistrict, each once. */
export async function resolveRecipients(
  db: Db,
  subdistrictId: string,
  r: NotifyRecipients,
): Promise<{ id: string; phone: string | null }[]> {
  const found = new Map<string, string | null>();
  if (r.userIds?.length) {
    const rows = await namedUsers(String(r.userIds.length)).all(db, subdistrictId, ...r.userIds);
    for (const u of rows) found.set(u.id, u.phone);
  }
  if (r.handlingUnitId) {
    const rows = await unitStaff.all(db, r.handlingUnitId, subdistrictId);
    for (const u of rows) found.set(u.id, u.phone);
  }
  if (r.roles?.length) {
    const rows = r.committeeId
      ? await roleHolders(`${r.roles.length}:committee`).all(db, subdistrictId, r.committeeId, ...r.roles)
      : await roleHolders(`${r.roles.length}:subdistrict`).all(db, subdistrictId, ...r.roles);
    for (const u of rows) found.set(u.id, u.phone);
  }
  return [...found].map(([id, phone]) => ({ id, phone }));
}
