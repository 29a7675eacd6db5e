import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/domain/auth/actor.js';
import { createApiToken, revokeApiToken } from '../../src/domain/auth/sessions.js';
import { updateStaff } from '../../src/domain/staff/staff.js';
import { dashboardRollupsPoller } from '../../src/jobs/dashboard-rollups.js';
import { type TestContext, actorOf, demoContext, signInAs } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';
import { type SseStream, openDashboardStream } from '../helpers/sse.js';
import { type CaseFixture, caseFixture } from '../cases/fixtures.js';

const caseIds = (s: SseStream) => s.events.filter((e) => e.event === 'case').map((e) => e.data.caseId as string);

/**
 * A live stream outlives the request that signed it in: the viewer is re-checked while it is open
 * (src/server/event-stream.ts), so an account signed out, disabled or given another role or
 * committee stops receiving case numbers and figures.
 */
for (const dialect of DIALECTS) {
  describe(`an open dashboard stream follows its viewer's session [${dialect}]`, () => {
    let f: CaseFixture;
    let port: number;
    let poller: ReturnType<typeof dashboardRollupsPoller>;
    let committeeB: string;
    let operatorCookie: string;
    const open = (cookie: string, headers: Record<string, string> = {}) => openDashboardStream(`http://127.0.0.1:${port}`, cookie, headers);
    const summary = (cookie: string) => f.ctx.app.inject({ method: 'GET', url: '/api/dashboard/summary', headers: { cookie } });
    /** The session was checked on connect: a case folded within the recheck interval is not re-checked, one after it is. */
    const recheckDue = () => f.ctx.clock.advance(f.ctx.deps.config.liveStream.recheckMs);

    beforeAll(async () => {
      f = await caseFixture(dialect);
      committeeB = (await f.ctx.handle.db.selectFrom('committees').select('id').where('subdistrict_id', '=', f.hq).where('code', '=', '002').executeTakeFirstOrThrow()).id;
      poller = dashboardRollupsPoller({ ...f.ctx.deps, logger: { error: (e) => console.error(e) } });
      await poller.runOnce();
      operatorCookie = await signInAs(f.ctx.app, 'operator');
      await f.ctx.app.listen({ port: 0, host: '127.0.0.1' });
      port = (f.ctx.app.server.address() as AddressInfo).port;
    });
    afterAll(async () => {
      await poller.destroy();
      await f.ctx.close();
    });

    /**
     * Opens the viewer's stream and a control (the operator, unaffected), applies `change`, folds a
     * case of committee A and returns both once the control has it.
     */
    const foldAfter = async (viewerCookie: string, change: () => Promise<void>, headers: Record<string, string> = {}) => {
      const viewer = await open(viewerCookie, headers);
      const control = await open(operatorCookie);
      await change();
      recheckDue();
      const c = await f.report(f.actors.patrol1);
      await poller.runOnce();
      await control.waitFor((e) => e.event === 'case' && e.data.caseId === c.id);
      return { viewer, control, caseId: c.id };
    };

    const restoreCadre01 = async (cadre: Actor) => {
      await updateStaff(f.ctx.handle.db, f.ctx.clock, f.actors.admin, cadre.userId, {
        status: 'active', role: cadre.role, scopes: cadre.scope.map((s) => ({ subdistrictId: s.subdistrictId, committeeId: s.committeeId })),
      });
    };

    it('a signed-out session gets no further case event: its stream closes, the same person\'s other session keeps streaming', async () => {
      const signedOut = await signInAs(f.ctx.app, 'cadre01');
      const other = await signInAs(f.ctx.app, 'cadre01');
      const otherStream = await open(other);
      const { viewer, control, caseId } = await foldAfter(signedOut, async () => {
        expect((await f.ctx.app.inject({ method: 'POST', url: '/api/auth/sign-out', headers: { cookie: signedOut } })).statusCode).toBe(200);
        expect((await summary(signedOut)).statusCode).toBe(401);
      });
      await viewer.ended();
      expect(caseIds(viewer)).not.toContain(caseId);
      await otherStream.waitFor((e) => e.event === 'case' && e.data.caseId === caseId);
      for (const s of [otherStream, control]) s.close();
    });

    it('a disabled account gets no further case event', async () => {
      const cookie = await signInAs(f.ctx.app, 'cadre01');
      const cadre = await actorOf(f.ctx, 'cadre01');
      try {
        const { viewer, control, caseId } = await foldAfter(cookie, async () => {
          await updateStaff(f.ctx.handle.db, f.ctx.clock, f.actors.admin, cadre.userId, { status: 'disabled' });
          expect((await summary(cookie)).statusCode).toBe(401);
        });
        await viewer.ended();
        expect(caseIds(viewer)).not.toContain(caseId);
        control.close();
      } finally {
        await restoreCadre01(cadre);
      }
    });

    it('a cadre moved to another committee no longer gets the old committee\'s events on the open stream', async () => {
      const cookie = await signInAs(f.ctx.app, 'cadre01');
      const cadre = await actorOf(f.ctx, 'cadre01');
      try {
        const { viewer, control, caseId } = await foldAfter(cookie, async () => {
          await updateStaff(f.ctx.handle.db, f.ctx.clock, f.actors.admin, cadre.userId, { scopes: [{ subdistrictId: f.hq, committeeId: committeeB }] });
        });
        await viewer.ended();
        expect(caseIds(viewer)).not.toContain(caseId);
        control.close();
      } finally {
        await restoreCadre01(cadre);
      }
    });

    it('a viewer given another role is closed too; the reconnect, the first request since, hands the browser its session\'s new id', async () => {
      const cookie = await signInAs(f.ctx.app, 'cadre01');
      const cadre = await actorOf(f.ctx, 'cadre01');
      try {
        const { viewer, control, caseId } = await foldAfter(cookie, async () => {
          await updateStaff(f.ctx.handle.db, f.ctx.clock, f.actors.admin, cadre.userId, { role: 'leader' });
        });
        await viewer.ended();
        expect(caseIds(viewer)).not.toContain(caseId);
        control.close();
        // What EventSource does next: the same request with the same cookie. The session gets a new
        // id on it (a privilege change); the stream must send it, or the browser is signed out.
        const again = await open(cookie);
        again.close();
        const renewed = [again.headers['set-cookie'] ?? []].flat().find((c) => c.startsWith('cl_session='));
        expect(renewed).toMatch(/HttpOnly/i);
        const me = await f.ctx.app.inject({ method: 'GET', url: '/api/me', headers: { cookie: renewed!.split(';')[0]! } });
        expect(me.statusCode).toBe(200);
        expect(me.json().user.role).toBe('leader');
      } finally {
        await restoreCadre01(cadre);
      }
    });

    it('a stream on a revoked API token closes', async () => {
      const cadre = await actorOf(f.ctx, 'cadre01');
      const token = await createApiToken(f.ctx.handle.db, f.ctx.clock, cadre, { name: 'wall screen', scopes: ['read'] });
      const { viewer, control, caseId } = await foldAfter('', async () => {
        await revokeApiToken(f.ctx.handle.db, f.ctx.clock, cadre, token.id);
      }, { authorization: `Bearer ${token.token}` });
      await viewer.ended();
      expect(caseIds(viewer)).not.toContain(caseId);
      control.close();
    });
  });

  describe(`open streams end on their own [${dialect}]`, () => {
    const contexts: TestContext[] = [];
    /** An app with these settings, listening on a free port; closed after the tests. */
    const serve = async (env: Record<string, string>) => {
      const ctx = await demoContext(dialect, env);
      contexts.push(ctx);
      await ctx.app.listen({ port: 0, host: '127.0.0.1' });
      return { ctx, base: `http://127.0.0.1:${(ctx.app.server.address() as AddressInfo).port}` };
    };
    afterAll(async () => {
      for (const ctx of contexts) await ctx.close();
    });

    it('without any event to send, a signed-out viewer\'s dashboard and window-screen streams close within LIVE_STREAM_RECHECK_SECONDS', async () => {
      const { ctx, base } = await serve({ LIVE_STREAM_RECHECK_SECONDS: '0.1' });
      const cookie = await signInAs(ctx.app, 'cadre01');
      const dashboard = await openDashboardStream(base, cookie);
      const window = await openDashboardStream(base, cookie, {}, '/api/services/stream');
      expect((await ctx.app.inject({ method: 'POST', url: '/api/auth/sign-out', headers: { cookie } })).statusCode).toBe(200);
      await dashboard.ended(5000);
      await window.ended(5000);
    });

    it('a stream ends after LIVE_STREAM_MAX_MINUTES even while its viewer is signed in (EventSource reconnects)', async () => {
      const { ctx, base } = await serve({ LIVE_STREAM_MAX_MINUTES: '0.01' });
      const cookie = await signInAs(ctx.app, 'operator');
      const openedAt = performance.now();
      const stream = await openDashboardStream(base, cookie);
      await stream.ended(5000);
      expect(performance.now() - openedAt).toBeGreaterThanOrEqual(550);
      // Still signed in: the reconnect is let in.
      const again = await openDashboardStream(base, cookie);
      again.close();
    });
  });
}
