import { z } from 'zod';
import { PHONE_KINDS, revealPhone } from '../../domain/auth/personal-data.js';
import { inTransaction } from '../../domain/shared/in-transaction.js';
import { def } from '../route.js';

export const revealPhoneRoute = def({
  schema: {
    tags: ['auth'],
    summary:
      'Show one masked phone number in full (a responsible party\'s contact, a handling unit\'s contact, a staff member): roles that may reveal it, in a browser session; every reveal is recorded in the audit log',
    body: z.strictObject({ kind: z.enum(PHONE_KINDS), id: z.string().min(1).max(64) }),
  },
  handler: async ({ req, deps, actor }) =>
    inTransaction(deps.db, (trx) => revealPhone(trx, deps.clock, actor, { kind: req.body.kind, id: req.body.id, ip: req.ip })),
});
