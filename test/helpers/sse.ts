import http from 'node:http';

export interface SseEvent {
  event: string;
  id?: string;
  data: any;
  /** performance.now() when it arrived */
  at: number;
}

export interface SseStream {
  events: SseEvent[];
  /** The response's headers. */
  headers: http.IncomingHttpHeaders;
  waitFor(pred: (e: SseEvent) => boolean, timeoutMs?: number): Promise<SseEvent>;
  /** Resolves when the server ends the stream; rejects if it has not within timeoutMs. */
  ended(timeoutMs?: number): Promise<void>;
  close(): void;
}

/** Opens the dashboard stream (or another SSE path) at a server URL; resolves once the server said `ready`. */
export function openDashboardStream(baseUrl: string, cookie: string, headers: Record<string, string> = {}, path = '/api/dashboard/stream'): Promise<SseStream> {
  return new Promise((resolve, reject) => {
    const events: SseEvent[] = [];
    const waiters: { pred: (e: SseEvent) => boolean; done: (e: SseEvent) => void }[] = [];
    let markEnded!: () => void;
    const endedByServer = new Promise<void>((r) => (markEnded = r));
    const req = http.get(`${baseUrl}${path}`, { headers: { cookie, ...headers } }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`stream ${res.statusCode}`));
      let buf = '';
      res.setEncoding('utf8');
      res.on('end', markEnded);
      stream.headers = res.headers;
      res.on('data', (chunk: string) => {
        buf += chunk;
        let i;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const ev: SseEvent = { event: 'message', data: undefined, at: performance.now() };
          for (const line of block.split('\n')) {
            if (line.startsWith('event: ')) ev.event = line.slice(7);
            else if (line.startsWith('id: ')) ev.id = line.slice(4);
            else if (line.startsWith('data: ')) ev.data = JSON.parse(line.slice(6));
          }
          if (ev.data === undefined) continue;
          events.push(ev);
          for (const w of [...waiters]) if (w.pred(ev)) {
            waiters.splice(waiters.indexOf(w), 1);
            w.done(ev);
          }
          if (ev.event === 'ready') resolve(stream);
        }
      });
    });
    req.on('error', reject);
    const stream: SseStream = {
      events,
      headers: {},
      waitFor: (pred, timeoutMs = 10_000) => {
        const found = events.find(pred);
        if (found) return Promise.resolve(found);
        return new Promise<SseEvent>((done, fail) => {
          const timer = setTimeout(() => fail(new Error(`no matching event within ${timeoutMs} ms`)), timeoutMs);
          waiters.push({ pred, done: (e) => { clearTimeout(timer); done(e); } });
        });
      },
      ended: (timeoutMs = 10_000) => {
        let timer: NodeJS.Timeout | undefined;
        return Promise.race([
          endedByServer,
          new Promise<never>((_, fail) => (timer = setTimeout(() => fail(new Error(`the stream did not end within ${timeoutMs} ms`)), timeoutMs))),
        ]).finally(() => clearTimeout(timer));
      },
      close: () => req.destroy(),
    };
  });
}
