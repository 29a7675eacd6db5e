import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveRecipients } from '../../src/domain/notifications/notify.js';
import { usersScopedToCommittees } from '../helpers/committee-scoped-users.js';
import { DIALECTS } from '../helpers/db.js';
import { type CaseFixture, caseFixture } from './fixtures.js';

// Who hears of a case by role: staff scoped to the whole subdistrict, and staff scoped to the
// case's own committee — never staff scoped to another committee (they cannot open the case).
for (const dialect of DIALECTS) {
  describe(`case notices by role keep to the committee [${dialect}]`, () => {
    let f: CaseFixture;
    let op: { own: string; other: string };
    beforeAll(async () => {
      f = await caseFixture(dialect);
      const like = { userId: f.actors.operator.userId, subdistrictId: f.hq, committeeId: f.binRoom.committeeId, at: f.ctx.clock.now() };
      op = await usersScopedToCommittees(f.ctx.handle.db, like, 'scoped-op', (k) => `居委值班员${k}`);
    });
    afterAll(async () => f.ctx.close());
    const inboxOf = async (userId: string, caseId: string) =>
      (await f.ctx.handle.db.selectFrom('inbox_items as i').innerJoin('notifications as n', 'n.id', 'i.notification_id').select(['n.kind', 'n.body']).where('i.user_id', '=', userId).where('n.case_id', '=', caseId).execute());

    it('a handled case and an extension request reach the desk and the case\'s committee, not another committee', async () => {
      const c = await f.report(f.actors.patrol1);
      const filed = await f.act(f.actors.operator, c.id, { action: 'file', version: c.version });
      const sent = await f.act(f.actors.operator, c.id, { action: 'dispatch', version: filed.version, unitId: f.units.handler1 });
      const due = new Date(Date.parse(sent.stageDueAt as string) + 3 * 86_400_000).toISOString();
      await f.act(f.actors.handler1, c.id, { action: 'request_extension', version: sent.version, dueAt: due, reason: '需采购新桶' });
      for (const who of [f.actors.operator.userId, op.own]) {
        const kinds = (await inboxOf(who, c.id)).map((n) => n.kind);
        expect(kinds).toContain('extension_requested');
      }
      expect(await inboxOf(op.other, c.id)).toEqual([]);
      // The requested time reads as Shanghai time, as the dispatch notice's 处置时限 does.
      const body = (await inboxOf(f.actors.operator.userId, c.id)).find((n) => n.kind === 'extension_requested')!.body;
      expect(body).not.toMatch(/\dT\d|Z）/);
      expect(body).toContain(new Date(Date.parse(due) + 8 * 3_600_000).toISOString().slice(11, 16));
    });

    it('resolving by role without a committee names only the staff of the whole subdistrict', async () => {
      const ids = (await resolveRecipients(f.ctx.handle.db, f.hq, { roles: ['operator'] })).map((u) => u.id);
      expect(ids).toContain(f.actors.operator.userId);
      expect(ids).not.toContain(op.own);
      expect(ids).not.toContain(op.other);
      const withCommittee = (await resolveRecipients(f.ctx.handle.db, f.hq, { roles: ['operator'], committeeId: f.binRoom.committeeId })).map((u) => u.id);
      expect(withCommittee).toEqual(expect.arrayContaining([f.actors.operator.userId, op.own]));
      expect(withCommittee).not.toContain(op.other);
    });
  });
}
