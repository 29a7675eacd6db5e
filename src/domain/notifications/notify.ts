import type { Db } from '../../db/index.js';
import { prepared, preparedFamily, preparedInsert } from '../../db/prepared.js';
import type { Role } from '../../db/schema.js';
import type { Clock } from '../shared/clock.js';
import { newId } from '../shared/ids.js';
import { wecomText } from './wecom.js';

export interface NotifyRecipients {
  userIds?: string[];
  /** Every active staff member of this handling unit. */
  handlingUnitId?: string | null;
  /** Active staff with these roles whose scope covers the subdistrict (or committeeId within it). */
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
const webhookOf = prepared((db: Db, subdistrictId: string) =>
  db.selectFrom('notification_webhooks').select('url').where('subdistrict_id', '=', subdistrictId).where('enabled', '=', 1),
);
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
 * Records a notification inside the CALLER's transaction: one inbox row per recipient and one
 * webhook outbox row, delivered later by the webhook job (jobs/webhook-deliveries.ts), so a
 * delivery problem never blocks or undoes the caller's work. Only database errors throw.
 */
export async function notify(db: Db, clock: Clock, n: Notification): Promise<void> {
  const now = clock.now().toISOString();
  const inserted = (await insertNotification.run(db, {
      id: newId(),
      subdistrict_id: n.subdistrictId,
      kind: n.kind,
      title: n.title,
      body: n.body,
      case_id: n.caseId ?? null,
      dedupe_key: n.dedupeKey ?? null,
      created_at: now,
    })).rows[0] as { id: string } | undefined;
  if (!inserted) return;

  const recipients = await resolveRecipients(db, n.subdistrictId, n.recipients);
  // One statement for every recipient's inbox row (in chunks, far below either engine's parameter limit).
  for (let i = 0; i < recipients.length; i += 100) {
    const chunk = recipients.slice(i, i + 100);
    await insertInboxItems(String(chunk.length)).run(db, ...chunk.flatMap((r) => [newId(), inserted.id, r.id, now, null]));
  }

  const hook = await webhookOf.first(db, n.subdistrictId);
  const message = wecomText(n.title, n.body, recipients.map((r) => r.phone ?? '').filter(Boolean));
  await insertDelivery.run(db, {
      id: newId(),
      notification_id: inserted.id,
      subdistrict_id: n.subdistrictId,
      url: hook?.url ?? null,
      payload: JSON.stringify(message),
      status: 'pending',
      attempts: 0,
      next_attempt_at: now,
      claim_token: null,
      claimed_until: null,
      last_error: null,
      sent_at: null,
      created_at: now,
      updated_at: now,
    });
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
