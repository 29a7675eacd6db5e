import type { Db } from '../../db/index.js';
import { prepared, preparedInsert } from '../../db/prepared.js';
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
const insertInboxItem = preparedInsert('inbox_items');
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
  for (const r of recipients) {
    await insertInboxItem.run(db, { id: newId(), notification_id: inserted.id, user_id: r.id, created_at: now, read_at: null });
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
  const inSubdistrict = db
    .selectFrom('user_scopes')
    .select('user_scopes.user_id')
    .where('user_scopes.subdistrict_id', '=', subdistrictId);

  if (r.userIds?.length) {
    const rows = await db
      .selectFrom('users')
      .select(['id', 'phone'])
      .where('id', 'in', r.userIds)
      .where('status', '=', 'active')
      .where((eb) => eb.or([eb('subdistrict_id', '=', subdistrictId), eb('id', 'in', inSubdistrict)]))
      .execute();
    for (const u of rows) found.set(u.id, u.phone);
  }
  if (r.handlingUnitId) {
    const rows = await unitStaff.all(db, r.handlingUnitId, subdistrictId);
    for (const u of rows) found.set(u.id, u.phone);
  }
  if (r.roles?.length) {
    const committeeId = r.committeeId ?? null;
    let scoped = db
      .selectFrom('user_scopes')
      .select('user_scopes.user_id')
      .where('user_scopes.subdistrict_id', '=', subdistrictId);
    if (committeeId) {
      scoped = scoped.where((eb) =>
        eb.or([eb('user_scopes.committee_id', 'is', null), eb('user_scopes.committee_id', '=', committeeId)]),
      );
    }
    const rows = await db
      .selectFrom('users')
      .select(['id', 'phone'])
      .where('role', 'in', r.roles)
      .where('status', '=', 'active')
      .where('id', 'in', scoped)
      .execute();
    for (const u of rows) found.set(u.id, u.phone);
  }
  return [...found].map(([id, phone]) => ({ id, phone }));
}
