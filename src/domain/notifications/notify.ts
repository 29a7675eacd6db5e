import { CompiledQuery, type Expression, PostgresAdapter, type RawBuilder, type SqlBool, sql } from 'kysely';
import type { Db } from '../../db/index.js';
import { nameStatement } from '../../db/pg-named-statements.js';
import { prepared, preparedFamily, preparedInsert } from '../../db/prepared.js';
import type { Role } from '../../db/schema.js';
import type { Clock } from '../shared/clock.js';
import { newId } from '../shared/ids.js';
import { type NoticeLanguage, type NoticeMessage, isNoticeLanguage, renderNotice } from './messages.js';
import { wecomText } from './wecom.js';

export interface NotifyRecipients {
  userIds?: string[];
  /** Every active staff member of this handling unit. */
  handlingUnitId?: string | null;
  /**
   * Active staff with these roles whose scope covers the whole subdistrict, and with committeeId
   * also those scoped to that committee: a committee's staff never hear of another committee.
   * Left out (undefined) on a notice about a case, it is the case's committee: whoever names a
   * role for a case reaches that case's committee staff and no other committee's. null: the
   * whole-subdistrict staff only.
   */
  roles?: Role[];
  committeeId?: string | null;
}

/**
 * A notification: language-neutrally as a `message` (key and parameters, messages.ts), rendered in
 * each reader's language; or, from call sites not yet keyed, as Chinese `title` and `body`, which
 * every reader then sees as written. One of the two (a message wins).
 */
export interface Notification {
  subdistrictId: string;
  recipients: NotifyRecipients;
  kind: string;
  message?: NoticeMessage;
  title?: string;
  body?: string;
  caseId?: string | null;
  /** A repeated key (within the subdistrict) inserts nothing: notifications fire once. */
  dedupeKey?: string;
}

/** The notice in Chinese, as stored in title and body. */
function chineseText(n: Notification) {
  if (n.message) return renderNotice(n.message, 'zh');
  if (n.title === undefined) throw new Error(`notification ${n.kind} has neither a message nor a title`);
  return { title: n.title, body: n.body ?? '' };
}

/**
 * Who a NAMED user hears notices as — the one rule, for notify's own recipients and for anyone
 * who must know beforehand whether naming someone reaches them (the deadline sweep): the user
 * with id `userId` is active and of the subdistrict or scoped into it. Anyone else notify drops
 * silently. Both arguments may be columns of the outer query (correlated) or values.
 */
export function userReachable(userId: Expression<string | null> | string, subdistrictId: Expression<string> | string): RawBuilder<SqlBool> {
  return sql<SqlBool>`exists (select 1 from users as ru where ru.id = ${userId} and ${reachableRow('ru', subdistrictId)})`;
}

/** userReachable's rule on a row of users under `alias`. */
function reachableRow(alias: string, subdistrictId: Expression<string> | string): RawBuilder<SqlBool> {
  const col = (c: string) => sql.ref(`${alias}.${c}`);
  return sql<SqlBool>`(${col('status')} = ${'active'} and (${col('subdistrict_id')} = ${subdistrictId} or ${col('id')} in (select user_scopes.user_id from user_scopes where user_scopes.subdistrict_id = ${subdistrictId})))`;
}

/** The committee a role notice reaches besides the whole subdistrict's staff: its own, else its case's (NotifyRecipients.roles). */
function committeeOf(r: NotifyRecipients, caseId: string | null | undefined): { committee: string } | { caseOf: string } | null {
  if (r.committeeId) return { committee: r.committeeId };
  if (r.committeeId === undefined && caseId) return { caseOf: caseId };
  return null;
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
/**
 * Those scoped into the subdistrict as a role notice reaches them: to the whole subdistrict, and
 * with `committee` (level 'committee': that committee; 'case': the committee of the case with that
 * id) to that committee — a holder of the role scoped to one committee hears only of it.
 */
function roleScoped(db: Db, subdistrictId: string, level: CommitteeLevel, committee: string | undefined) {
  const scoped = usersScopedTo(db, subdistrictId);
  if (level === 'committee') return scoped.where((eb) => eb.or([eb('user_scopes.committee_id', 'is', null), eb('user_scopes.committee_id', '=', committee as string)]));
  if (level === 'case') {
    return scoped.where((eb) =>
      eb.or([eb('user_scopes.committee_id', 'is', null), eb('user_scopes.committee_id', '=', eb.selectFrom('cases').select('cases.committee_id').where('cases.id', '=', committee as string))]),
    );
  }
  return scoped.where('user_scopes.committee_id', 'is', null);
}
type CommitteeLevel = 'subdistrict' | 'committee' | 'case';
const levelOf = (c: ReturnType<typeof committeeOf>): CommitteeLevel => (!c ? 'subdistrict' : 'committee' in c ? 'committee' : 'case');
const committeeArg = (c: ReturnType<typeof committeeOf>) => (!c ? [] : ['committee' in c ? c.committee : c.caseOf]);

/** Active users among n ids who belong to (or are scoped into) the subdistrict. */
const namedUsers = preparedFamily((n: string) => ({
  arity: 1 + Number(n),
  build: (db: Db, subdistrictId: unknown, ...ids: unknown[]) =>
    db
      .selectFrom('users')
      .select(['id', 'phone'])
      .where('id', 'in', ids as string[])
      .where(reachableRow('users', subdistrictId as string)),
}));
/** Active users with one of n roles, as roleScoped reaches them (key `n:level`). */
const roleHolders = preparedFamily((key: string) => {
  const [n, level] = key.split(':') as [string, CommitteeLevel];
  return {
    arity: 1 + (level === 'subdistrict' ? 0 : 1) + Number(n),
    build: (db: Db, subdistrictId: unknown, ...rest: unknown[]) => {
      const committee = level === 'subdistrict' ? undefined : (rest.shift() as string);
      return db
        .selectFrom('users')
        .select(['id', 'phone'])
        .where('role', 'in', rest as Role[])
        .where('status', '=', 'active')
        .where('id', 'in', roleScoped(db, subdistrictId as string, level, committee));
    },
  };
});

/**
 * The recipients spec's users (as resolveRecipients) and the subdistrict's webhook address, in ONE
 * statement: rows tagged 'u' (id, phone) and at most one tagged 'h' (the url in id, the robot's
 * language in phone). Prepared per (number of user ids, unit or not, number of roles, committee level).
 */
const recipientsAndHook = preparedFamily((key: string) => {
  const [ns, units, roless, level] = key.split(':') as [string, string, string, CommitteeLevel];
  const [n, unit, roles] = [Number(ns), Number(units), Number(roless)];
  const committee = level === 'subdistrict' ? 0 : 1;
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
        .select([tag('h'), 'url as id', sql<string | null>`language`.as('phone')])
        .where('subdistrict_id', '=', subdistrictId as string)
        .where('enabled', '=', 1);
      if (n) {
        q = q.unionAll(
          db
            .selectFrom('users')
            .select([tag('u'), 'id', 'phone'])
            .where('id', 'in', ids)
            .where(reachableRow('users', subdistrictId as string)),
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
        const scoped = roleScoped(db, subdistrictId as string, level, committee ? committeeId : undefined);
        q = q.unionAll(db.selectFrom('users').select([tag('u'), 'id', 'phone']).where('role', 'in', roleList).where('status', '=', 'active').where('id', 'in', scoped));
      }
      return q;
    },
  };
});

const NOTIFICATION_COLUMNS = ['id', 'subdistrict_id', 'kind', 'title', 'body', 'message_key', 'params', 'case_id', 'dedupe_key'] as const;
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
  const committee = roles.length ? committeeOf(r, n.caseId) : null;
  const found = await recipientsAndHook(`${userIds.length}:${r.handlingUnitId ? 1 : 0}:${roles.length}:${levelOf(committee)}`).all(
    db, n.subdistrictId, ...userIds, ...(r.handlingUnitId ? [r.handlingUnitId] : []), ...committeeArg(committee), ...roles,
  );
  const people = new Map<string, string | null>();
  for (const row of found) if (row.k === 'u') people.set(row.id, row.phone);
  const recipients = [...people].map(([userId, phone]) => ({ userId, phone }));
  const hookRow = found.find((row) => row.k === 'h');
  const hook = hookRow?.id ?? null;
  // The robot's group reads its own language; the instance's robot (no row) Chinese.
  const chosen = hookRow?.phone;
  const hookLanguage: NoticeLanguage = isNoticeLanguage(chosen) ? chosen : 'zh';
  // Stored in Chinese too (title, body): older rows' readers and unknown keys fall back on it.
  const zh = chineseText(n);
  const robotText = n.message && hookLanguage !== 'zh' ? renderNotice(n.message, hookLanguage) : zh;
  const message = JSON.stringify(wecomText(robotText.title, robotText.body, recipients.map((x) => x.phone ?? '').filter(Boolean), hookLanguage));
  const notification = {
    id, subdistrict_id: n.subdistrictId, kind: n.kind, title: zh.title, body: zh.body, message_key: n.message?.key ?? null,
    params: n.message ? JSON.stringify(n.message.params) : null, case_id: n.caseId ?? null, dedupe_key: n.dedupeKey ?? null,
  };
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
 * Answers whether it was written (false: its dedupe key was already used).
 */
export async function notify(db: Db, clock: Clock, n: Notification): Promise<boolean> {
  const plan = await planNotice(db, clock, n);
  const { id, now, recipients, notification, delivery } = plan;
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    // One statement for every recipient's inbox row (in chunks, far below the parameter limit).
    const inserted = (await db.executeQuery(CompiledQuery.raw(pgNotice(plan.inbox), plan.args))).rows.length > 0;
    for (let i = 0; inserted && i < plan.rest.length; i += INBOX_CHUNK) await insertInbox(db, id, plan.rest.slice(i, i + INBOX_CHUNK), now);
    return inserted;
  }
  const inserted = (await insertNotification.run(db, { ...notification, created_at: now })).rows[0] as { id: string } | undefined;
  if (!inserted) return false;
  for (let i = 0; i < recipients.length; i += INBOX_CHUNK) await insertInbox(db, id, recipients.slice(i, i + INBOX_CHUNK), now);
  await insertDelivery.run(db, {
    ...delivery, notification_id: id, status: 'pending', attempts: 0, next_attempt_at: now, claim_token: null, claimed_until: null, last_error: null, sent_at: null, created_at: now, updated_at: now,
  });
  return true;
}

function insertInbox(db: Db, notificationId: string, chunk: { userId: string }[], now: string) {
  return insertInboxItems(String(chunk.length)).run(db, ...chunk.flatMap((x) => [newId(), notificationId, x.userId, now, null]));
}

/** Active users named by the recipients spec, all within the subdistrict, each once (for a notice about `caseId`: NotifyRecipients.roles). */
export async function resolveRecipients(
  db: Db,
  subdistrictId: string,
  r: NotifyRecipients,
  caseId?: string | null,
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
    const committee = committeeOf(r, caseId);
    const rows = await roleHolders(`${r.roles.length}:${levelOf(committee)}`).all(db, subdistrictId, ...committeeArg(committee), ...r.roles);
    for (const u of rows) found.set(u.id, u.phone);
  }
  return [...found].map(([id, phone]) => ({ id, phone }));
}
