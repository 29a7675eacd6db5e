import type { Db } from '../../db/index.js';
import { shanghaiDate } from '../calendar/office-hours.js';
import { parseInput } from '../cases/case-input.js';
import { announceServiceChange } from '../dashboard/service-changes.js';
import type { Clock } from '../shared/clock.js';
import { invalidField } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import { terminalByToken } from './health.js';
import { SessionInput } from './terminal-input.js';

/** How far ahead of the server's clock a terminal's clock may run. */
export const SESSION_CLOCK_SKEW_MS = 2 * 60_000;
/** A session older than this is not accepted (a terminal that was offline for a week sends the rest). */
export const SESSION_MAX_AGE_MS = 7 * 24 * 3600_000;
/** No session at a terminal lasts longer. */
export const SESSION_MAX_LENGTH_MS = 4 * 3600_000;

/**
 * Records a session a resident ran on a self-service terminal (the device token names the
 * terminal): the item, when it began and ended, completed or abandoned. Its length is the
 * terminal's service time in the waiting and service figures, beside the windows' (so "three
 * minutes at the terminal" is measured). The terminal's session id is unique per terminal: sent
 * again, the report is answered with what was stored the first time.
 */
export async function recordTerminalSession(trx: Db, clock: Clock, token: string, raw: SessionInput) {
  const t = await terminalByToken(trx, token);
  const i = parseInput(SessionInput, raw);
  const now = clock.now().getTime();
  const start = Date.parse(i.startedAt);
  const end = Date.parse(i.finishedAt);
  if (end < start) throw invalidField('finishedAt', 'must not be before startedAt');
  if (end - start > SESSION_MAX_LENGTH_MS) throw invalidField('finishedAt', 'a session lasts at most 4 hours');
  if (end > now + SESSION_CLOCK_SKEW_MS) throw invalidField('finishedAt', "is in the future: check the terminal's clock");
  if (start < now - SESSION_MAX_AGE_MS) throw invalidField('startedAt', 'is more than 7 days ago');
  const item = await trx
    .selectFrom('service_point_items as pi')
    .innerJoin('service_items as it', 'it.id', 'pi.item_id')
    .select('it.id')
    .where('pi.point_id', '=', t.id)
    .where((eb) => eb.or([eb('it.impl_code', '=', i.itemCode), eb('it.basic_code', '=', i.itemCode)]))
    .orderBy('it.id')
    .executeTakeFirst();
  if (!item) throw invalidField('itemCode', 'is not an item this terminal offers');
  const row = {
    id: newId(), point_id: t.id, subdistrict_id: t.subdistrict_id, committee_id: t.committee_id, client_id: i.sessionId, item_id: item.id,
    day: shanghaiDate(new Date(start)), started_at: new Date(start).toISOString(), finished_at: new Date(end).toISOString(), outcome: i.outcome,
    received_at: new Date(now).toISOString(),
  };
  const inserted = await trx.insertInto('service_terminal_sessions').values(row).onConflict((oc) => oc.columns(['point_id', 'client_id']).doNothing()).executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1) {
    await announceServiceChange(trx, { subdistrictId: t.subdistrict_id, committeeId: t.committee_id, pointId: t.id, kind: 'terminal' });
    return { id: row.id, pointId: t.id, day: row.day, seconds: (end - start) / 1000, outcome: row.outcome, duplicate: false };
  }
  const kept = await trx
    .selectFrom('service_terminal_sessions')
    .select(['id', 'day', 'started_at', 'finished_at', 'outcome'])
    .where('point_id', '=', t.id)
    .where('client_id', '=', i.sessionId)
    .executeTakeFirstOrThrow();
  const seconds = (Date.parse(kept.finished_at) - Date.parse(kept.started_at)) / 1000;
  return { id: kept.id, pointId: t.id, day: kept.day, seconds, outcome: kept.outcome, duplicate: true };
}
