import { z } from 'zod';
import type { Db } from '../../db/index.js';
import type { EnforcementDocKind } from '../../db/schema.js';
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import { assertOwnsSubdistrict, assertSeesSubdistrict } from '../auth/scope.js';
import { parseInput } from '../cases/case-input.js';
import type { Clock } from '../shared/clock.js';
import { notFound } from '../shared/errors.js';
import { DEFAULT_PATTERNS, Patterns } from './numbering.js';

/** 行政处罚法 art. 67: a fine is paid within fifteen days of the decision's service. */
export const MIN_PAYMENT_DAYS = 15;

export interface EnforcementSettings {
  subdistrictId: string;
  officeName: string;
  agencyName: string;
  patterns: Record<EnforcementDocKind, string>;
  repeatWindowDays: number;
  /** Configurable rule: a repeat offender's ladder starts at the rectification notice. */
  repeatStartsAtNotice: boolean;
  paymentDays: number;
  /** Working hours after the deadline within which the dispatched re-inspection is due. */
  reinspectionHours: number;
  /** Working days the party has for its statement and defence after the prior notice. */
  statementDays: number;
  /** Working days within which the party may request a hearing (行政处罚法 art. 64: five). */
  hearingRequestDays: number;
  /** Suggested rectification period in working days: per category code, else the default. */
  rectifyWorkingDays: RectifyDays;
}

export const RectifyDays = z.strictObject({
  default: z.number().int().min(1).max(60),
  byCategory: z.record(z.string().trim().min(1).max(40), z.number().int().min(1).max(60)).default({}),
});
export type RectifyDays = z.output<typeof RectifyDays>;

/** Settings including the signing key (domain use only; never sent to a client). */
export async function loadSettings(db: Db, subdistrictId: string) {
  const s = await db.selectFrom('enforcement_settings').selectAll().where('subdistrict_id', '=', subdistrictId).executeTakeFirst();
  if (!s) throw notFound('Enforcement settings');
  const settings: EnforcementSettings = {
    subdistrictId, officeName: s.office_name, agencyName: s.agency_name, patterns: { ...DEFAULT_PATTERNS, ...JSON.parse(s.number_patterns) },
    repeatWindowDays: Number(s.repeat_window_days), repeatStartsAtNotice: s.repeat_starts_at_notice === 1,
    // 行政处罚法 art. 67: fifteen days at least, whatever a row saved before the rule was enforced says.
    paymentDays: Math.max(MIN_PAYMENT_DAYS, Number(s.payment_days)), reinspectionHours: Number(s.reinspection_hours),
    statementDays: Number(s.statement_days), hearingRequestDays: Number(s.hearing_request_days),
    rectifyWorkingDays: RectifyDays.parse(JSON.parse(s.rectify_working_days)),
  };
  return { settings, signingKey: s.signing_key };
}

export async function getSettings(db: Db, actor: Actor, subdistrictId: string) {
  assertCan(actor, 'enforcement.read');
  assertSeesSubdistrict(actor, subdistrictId, 'Enforcement settings');
  return (await loadSettings(db, subdistrictId)).settings;
}

export const SettingsInput = z.strictObject({
  officeName: z.string().trim().min(1).max(60).optional(),
  agencyName: z.string().trim().min(1).max(120).optional(),
  patterns: Patterns.optional(),
  repeatWindowDays: z.number().int().min(1).max(3660).optional(),
  repeatStartsAtNotice: z.boolean().optional(),
  /** At least the fifteen days of 行政处罚法 art. 67: a shorter period would make a fine overdue (and 加处罚款 run) early. */
  paymentDays: z.number().int().min(MIN_PAYMENT_DAYS).max(365).optional(),
  reinspectionHours: z.number().int().min(1).max(240).optional(),
  /** At least three working days: the customary minimum for a statement and defence. */
  statementDays: z.number().int().min(3).max(30).optional(),
  /** At least the five working days of 行政处罚法 art. 64. */
  hearingRequestDays: z.number().int().min(5).max(30).optional(),
  rectifyWorkingDays: RectifyDays.optional(),
});
export type SettingsInput = z.input<typeof SettingsInput>;

export async function updateSettings(db: Db, clock: Clock, actor: Actor, subdistrictId: string, raw: SettingsInput) {
  assertCan(actor, 'enforcement.admin');
  assertOwnsSubdistrict(actor, subdistrictId, 'Enforcement settings');
  const i = parseInput(SettingsInput, raw);
  await loadSettings(db, subdistrictId);
  await db
    .updateTable('enforcement_settings')
    .set({
      ...(i.officeName !== undefined && { office_name: i.officeName }),
      ...(i.agencyName !== undefined && { agency_name: i.agencyName }),
      ...(i.patterns !== undefined && { number_patterns: JSON.stringify(i.patterns) }),
      ...(i.repeatWindowDays !== undefined && { repeat_window_days: i.repeatWindowDays }),
      ...(i.repeatStartsAtNotice !== undefined && { repeat_starts_at_notice: i.repeatStartsAtNotice ? 1 : 0 }),
      ...(i.paymentDays !== undefined && { payment_days: i.paymentDays }),
      ...(i.reinspectionHours !== undefined && { reinspection_hours: i.reinspectionHours }),
      ...(i.statementDays !== undefined && { statement_days: i.statementDays }),
      ...(i.hearingRequestDays !== undefined && { hearing_request_days: i.hearingRequestDays }),
      ...(i.rectifyWorkingDays !== undefined && { rectify_working_days: JSON.stringify(i.rectifyWorkingDays) }),
      updated_at: clock.now().toISOString(),
    })
    .where('subdistrict_id', '=', subdistrictId)
    .execute();
  return (await loadSettings(db, subdistrictId)).settings;
}
