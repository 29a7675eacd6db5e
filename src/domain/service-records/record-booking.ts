import { sql } from 'kysely';
import type { Db } from '../../db/index.js';
import { prepared } from '../../db/prepared.js';
import type { Actor } from '../auth/actor.js';
import { shanghaiDate } from '../calendar/office-hours.js';
import { checkInOpen } from '../service-queue/check-in-window.js';
import { invalidField } from '../shared/errors.js';

/**
 * A record naming a booking nobody checked in checks it in at the window, as checkIn would on the
 * day and until the no-show grace after the session's end (check-in-window.ts; past it the citizen
 * is served as a walk-in), but without a ticket: the citizen is already at the window, a ticket
 * would wait in the queue for nobody. The
 * booking keeps its place in the session (the slot's counter is unchanged, as for a check-in).
 */
export function assertBookingTakenAtWindow(
  now: Date,
  read: { appointment_status: string | null; appointment_day: string | null; appointment_ends: string | null; no_show_grace_minutes: number | null },
) {
  if (read.appointment_status !== 'booked') return;
  if (read.appointment_day !== shanghaiDate(now)) throw invalidField('appointmentId', 'the booking is for another day');
  if (!checkInOpen(now, { day: read.appointment_day!, ends: read.appointment_ends! }, read.no_show_grace_minutes)) {
    throw invalidField('appointmentId', 'the grace period after the booked slot has passed');
  }
}

/**
 * The served booking leaves `booked` in the record's transaction: it can no longer be checked in
 * (a second ticket), cancelled by the link or marked a no-show. A booking checked in already keeps
 * its check-in. Conditional on the status, so a cancellation or a no-show mark committed since the
 * read wins and the record is refused; on PostgreSQL the update holds the row to the commit, so a
 * no-show round or a cancellation arriving after it finds the booking no longer booked.
 */
export async function takeBookingAtWindow(db: Db, actor: Actor, appointmentId: string, at: string) {
  const res = await bookingTaken.run(db, at, actor.userId, appointmentId);
  if (Number(res.numAffectedRows) !== 1) throw invalidField('appointmentId', 'the booking was cancelled or marked a no-show meanwhile');
}

const bookingTaken = prepared((db: Db, at: string, by: string, id: string) =>
  db
    .updateTable('service_appointments')
    .set({ status: 'checked_in', checked_in_at: sql<string>`coalesce(checked_in_at, ${at})`, checked_in_by: sql<string>`coalesce(checked_in_by, ${by})` })
    .where('id', '=', id)
    .where('status', 'in', ['booked', 'checked_in']),
);
