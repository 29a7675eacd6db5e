import type { FastifyReply } from 'fastify';

export const HEARTBEAT_MS = 15_000;
/** A viewer whose socket holds more than this unsent is dropped; its EventSource reconnects (with Last-Event-ID). */
export const MAX_BUFFERED_BYTES = 256 * 1024;

export interface EventStream {
  /** Writes an SSE chunk; a client too slow to take it is dropped rather than buffered without bound. */
  write(chunk: string): void;
  close(): void;
  readonly closed: boolean;
  /** Runs when the stream closes, by either side (unsubscribe, clear timers). */
  onClose(fn: () => void): void;
}

/**
 * Opens a server-sent-events answer on a hijacked reply: the headers (no caching or proxy
 * buffering), the client's reconnect delay, a comment heartbeat that keeps proxies from closing an
 * idle stream, backpressure, and clean-up when the client goes away.
 */
export function openEventStream(reply: FastifyReply): EventStream {
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
  const cleanups: (() => void)[] = [];
  const close = () => {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    for (const fn of cleanups) fn();
    raw.end();
  };
  const write = (chunk: string) => {
    if (closed) return;
    if (raw.writableLength > MAX_BUFFERED_BYTES) {
      close();
      return;
    }
    raw.write(chunk);
  };
  const heartbeat = setInterval(() => write(`: ping ${Date.now()}\n\n`), HEARTBEAT_MS);
  raw.on('close', close);
  return {
    write,
    close,
    get closed() {
      return closed;
    },
    onClose: (fn) => {
      if (closed) fn();
      else cleanups.push(fn);
    },
  };
}
