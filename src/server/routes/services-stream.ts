import { z } from 'zod';
import { assertCan } from '../../domain/auth/permissions.js';
import { scopedCommittees } from '../../domain/auth/scope.js';
import { worksEverywhere } from '../../domain/service-network/window-points.js';
import { hubFor } from '../../domain/dashboard/hub.js';
import type { ServiceChange } from '../../domain/dashboard/service-changes.js';
import { openEventStream, viewerStreamOptions } from '../event-stream.js';
import { def } from '../route.js';

/**
 * Server-sent events for window screens: `event: change` with `{ pointId, kind }` for every
 * front-office change in the viewer's scope (a ticket issued, called or finished, a booking, a
 * check-in, a record, a rating, a terminal), after its commit; `{ pointId: null }` when changes may
 * have been missed (re-read everything). The screen re-reads its own queue: the notice carries no
 * personal data. Same path as the dashboard's stream (the hub, and LISTEN/NOTIFY across instances).
 */
export const stream = def({
  schema: {
    tags: ['services'],
    summary: 'Live stream (SSE) of front-office changes (point and kind) in my scope, for the window screen',
    querystring: z.strictObject({}),
  },
  handler: async ({ req, reply, deps, actor }) => {
    assertCan(actor, 'services.records.read');
    // Window staff hear of the points whose staff list names them (and a cadre of the committee's), as they list them.
    // The staff list is read again for every batch, not once at connect: a clerk added to a point
    // hears of it from the next change on, and one taken off stops hearing of it, without reconnecting.
    const coms = new Set(scopedCommittees(actor));
    const everywhere = worksEverywhere(actor);
    const staffedNow = async () =>
      new Set((await deps.db.selectFrom('service_point_staff').select('point_id').where('user_id', '=', actor.userId).execute()).map((r) => r.point_id));
    const es = openEventStream(reply, await viewerStreamOptions(deps, req, reply, actor));
    const { send: emit, close, onClose } = es;
    const deliver = async (all: ServiceChange[] | null) => {
      if (es.closed) return;
      const staffed = all && !everywhere ? await staffedNow() : null;
      const changes = all && staffed ? all.filter((c) => c.pointId === null || staffed.has(c.pointId) || (c.committeeId !== null && coms.has(c.committeeId))) : all;
      if (changes && !changes.length) return;
      if (!changes) {
        emit(`event: change\ndata: ${JSON.stringify({ pointId: null, kind: null })}\n\n`);
        return;
      }
      const seen = new Set<string>();
      for (const c of changes) {
        const key = `${c.pointId}|${c.kind}`;
        if (seen.has(key)) continue;
        seen.add(key);
        emit(`event: change\ndata: ${JSON.stringify({ pointId: c.pointId, kind: c.kind })}\n\n`);
      }
    };
    // Batches are told in the order they came, each after its own scope read.
    let queue: Promise<void> = Promise.resolve();
    const send = (all: ServiceChange[] | null) => {
      queue = queue.then(() => deliver(all)).catch((err: unknown) => {
        // A failed scope read: tell the screen to re-read everything rather than drop the change silently.
        req.log.warn({ err }, 'services stream: scope read failed');
        emit(`event: change\ndata: ${JSON.stringify({ pointId: null, kind: null })}\n\n`);
      });
    };
    onClose(hubFor(deps.db).subscribe({ actor, services: send, close }));
    emit(`event: ready\ndata: {}\n\n`);
  },
});
