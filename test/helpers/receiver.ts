import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  method: string;
  /** The path and query it was sent to (which robot). */
  url: string;
  contentType: string | undefined;
  body: string;
}

type Reply = { status: number; body: string; delayMs?: number };

/**
 * A local stand-in for the WeCom group robot on 127.0.0.1 (port 0). Answers with the queued
 * replies in order, then with `fallback` (by default the robot's success answer).
 */
export async function robotReceiver(fallback: Reply = { status: 200, body: '{"errcode":0,"errmsg":"ok"}' }) {
  const received: Received[] = [];
  const queue: Reply[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      received.push({ method: req.method ?? '', url: req.url ?? '', contentType: req.headers['content-type'], body: Buffer.concat(chunks).toString('utf8') });
      const r = queue.shift() ?? fallback;
      const send = () => {
        if (res.destroyed) return;
        res.writeHead(r.status, { 'content-type': 'application/json' }).end(r.body);
      };
      if (r.delayMs) setTimeout(send, r.delayMs);
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/cgi-bin/webhook/send?key=test-key-0000`,
    received,
    /** Replies for the next requests, in order. */
    next(...replies: Reply[]) {
      queue.push(...replies);
    },
    fail: (errcode = 93000, errmsg = 'invalid webhook url') => ({ status: 200, body: JSON.stringify({ errcode, errmsg }) }),
    httpError: (status = 502) => ({ status, body: 'Bad Gateway' }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
