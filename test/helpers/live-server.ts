import type { AddressInfo } from 'node:net';
import { hubFor } from '../../src/domain/dashboard/hub.js';
import { type LiveFeed, startLiveFeed } from '../../src/server/live-feed.js';
import type { TestContext } from './app.js';
import { type SseStream, openDashboardStream } from './sse.js';

/**
 * The app served on a free local port for stream tests, with the instance's live feed (LISTEN) on
 * PostgreSQL as a deployed instance runs it; SQLite is one process and needs none. `open` opens a
 * stream (the dashboard's unless `path` names another) as the signed-in `cookie`; `close` closes
 * every stream it opened and stops the feed (the caller closes the context).
 */
export async function liveServer(ctx: TestContext) {
  await ctx.app.listen({ port: 0, host: '127.0.0.1' });
  const baseUrl = `http://127.0.0.1:${(ctx.app.server.address() as AddressInfo).port}`;
  let feed: LiveFeed | null = null;
  if (ctx.handle.kind === 'postgres') {
    feed = startLiveFeed({ url: ctx.handle.url!, schema: ctx.handle.schema, db: ctx.handle.db, hub: hubFor(ctx.handle.db), maxBackoffMs: 200 });
    await feed.ready;
  }
  const streams: SseStream[] = [];
  return {
    feed,
    async open(cookie: string, path?: string): Promise<SseStream> {
      const s = await openDashboardStream(baseUrl, cookie, {}, path);
      streams.push(s);
      return s;
    },
    async close() {
      for (const s of streams) s.close();
      await feed?.stop();
    },
  };
}
