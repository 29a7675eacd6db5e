import { z } from 'zod';
import { assertCan } from '../../domain/auth/permissions.js';
import { hubFor } from '../../domain/dashboard/hub.js';
import type { ServiceChange } from '../../domain/dashboard/service-changes.js';
import { def } from '../route.js';
import { HEARTBEAT_MS, MAX_BUFFERED_BYTES } from './dashboard-stream.js';

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
  handler: async ({ reply, deps, actor }) => {
    assertCan(actor, 'services.records.read');
    const raw = reply.raw;
    reply.hijack();
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    raw.write('retry: 2000\n\n');
    let closed = false;
    const write = (chunk: string) => {
      if (closed) return;
      if (raw.writableLength > MAX_BUFFERED_BYTES) {
        close();
        return;
      }
      raw.write(chunk);
    };
    const send = (changes: ServiceChange[] | null) => {
      if (!changes) {
        write(`event: change\ndata: ${JSON.stringify({ pointId: null, kind: null })}\n\n`);
        return;
      }
      const seen = new Set<string>();
      for (const c of changes) {
        const key = `${c.pointId}|${c.kind}`;
        if (seen.has(key)) continue;
        seen.add(key);
        write(`event: change\ndata: ${JSON.stringify({ pointId: c.pointId, kind: c.kind })}\n\n`);
      }
    };
    const unsubscribe = hubFor(deps.db).subscribe({ actor, services: send, close: () => close() });
    const heartbeat = setInterval(() => write(`: ping ${Date.now()}\n\n`), HEARTBEAT_MS);
    function close() {
      if (closed) return;
      closed = true;
      unsubscribe();
      clearInterval(heartbeat);
      raw.end();
    }
    raw.on('close', close);
    write(`event: ready\ndata: {}\n\n`);
  },
});
