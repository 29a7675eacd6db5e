import { z } from 'zod';
import { ROLES, USER_STATUSES } from '../../db/schema.js';
import { MIN_PASSWORD_LENGTH } from '../auth/passwords.js';

export const ScopeInput = z.strictObject({
  subdistrictId: z.string().min(1),
  committeeId: z.string().min(1).nullish(),
});

export const StaffInput = z.strictObject({
  username: z
    .string()
    .trim()
    .regex(/^[a-zA-Z0-9._-]{3,40}$/, '3–40 letters, digits, dot, dash or underscore'),
  displayName: z.string().trim().min(1).max(50),
  phone: z
    .string()
    .trim()
    .regex(/^[0-9+\- ]{5,20}$/, 'expected a phone number')
    .nullish(),
  role: z.enum(ROLES),
  /** 执法证号: the law-enforcement certificate number enforcement officers sign documents with. */
  certNumber: z
    .string()
    .trim()
    .regex(/^[0-9A-Za-z-]{4,30}$/, '4–30 letters, digits or dashes')
    .nullish(),
  password: z.string().min(MIN_PASSWORD_LENGTH, `at least ${MIN_PASSWORD_LENGTH} characters`).max(200),
  handlingUnitId: z.string().min(1).nullish(),
  scopes: z.array(ScopeInput).min(1, 'at least one subdistrict or committee').max(50),
});
export type StaffInput = z.infer<typeof StaffInput>;

export const StaffPatch = z.strictObject({
  displayName: z.string().trim().min(1).max(50).optional(),
  phone: StaffInput.shape.phone.optional(),
  certNumber: StaffInput.shape.certNumber.optional(),
  role: z.enum(ROLES).optional(),
  status: z.enum(USER_STATUSES).optional(),
  password: StaffInput.shape.password.optional(),
  handlingUnitId: z.string().min(1).nullish(),
  scopes: StaffInput.shape.scopes.optional(),
  /**
   * The handling unit the person's open cases go to when the change would strand them (they are
   * re-dispatched to it in the same transaction, 改派, each with its event), instead of 409
   * has_open_cases.
   */
  reassignToUnitId: z.string().min(1).max(64).optional(),
});
export type StaffPatch = z.infer<typeof StaffPatch>;
