import { z } from 'zod';
import type { Db } from '../../db/index.js';
import { prepared } from '../../db/prepared.js';
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import { assertOwnsSubdistrict, assertSeesSubdistrict } from '../auth/scope.js';
import { parseInput } from '../cases/case-input.js';
import type { Clock } from '../shared/clock.js';

/**
 * Front-office settings per subdistrict. The 差评 rectification limit is set locally (5 working
 * days in 德州, 7 days in other 意见, 15 working days in Sichuan; no Shanghai figure was found):
 * 5 working days until the subdistrict says otherwise.
 */
export const DEFAULT_SERVICE_SETTINGS = { badRatingDays: 5, ratingWindowDays: 7, noShowGraceMinutes: 15 };

const settingsRow = prepared((db: Db, subdistrictId: string) => db.selectFrom('service_settings').selectAll().where('subdistrict_id', '=', subdistrictId));

export async function serviceSettings(db: Db, subdistrictId: string) {
  const row = await settingsRow.first(db, subdistrictId);
  if (!row) return { ...DEFAULT_SERVICE_SETTINGS };
  return { badRatingDays: row.bad_rating_days, ratingWindowDays: row.rating_window_days, noShowGraceMinutes: row.no_show_grace_minutes };
}

export async function readServiceSettings(db: Db, actor: Actor, subdistrictId: string) {
  assertCan(actor, 'services.read');
  assertSeesSubdistrict(actor, subdistrictId, 'Subdistrict');
  return serviceSettings(db, subdistrictId);
}

export const SettingsInput = z.strictObject({
  badRatingDays: z.number().int().min(1).max(30).optional(),
  ratingWindowDays: z.number().int().min(1).max(90).optional(),
  noShowGraceMinutes: z.number().int().min(0).max(240).optional(),
});

export async function putServiceSettings(db: Db, clock: Clock, actor: Actor, subdistrictId: string, raw: z.input<typeof SettingsInput>) {
  assertCan(actor, 'services.settings');
  assertOwnsSubdistrict(actor, subdistrictId, 'Subdistrict');
  const input = parseInput(SettingsInput, raw);
  const next = { ...(await serviceSettings(db, subdistrictId)), ...input };
  const row = { bad_rating_days: next.badRatingDays, rating_window_days: next.ratingWindowDays, no_show_grace_minutes: next.noShowGraceMinutes, updated_at: clock.now().toISOString() };
  await db
    .insertInto('service_settings')
    .values({ subdistrict_id: subdistrictId, ...row })
    .onConflict((oc) => oc.column('subdistrict_id').doUpdateSet(row))
    .execute();
  return next;
}
