import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { MAX_BUFFERED_BYTES, openEventStream } from '../../src/server/event-stream.js';

/** A socket that accepts everything (its buffer grows with what is written). */
class FakeSocket extends EventEmitter {
  writableLength = 0;
  written = 0;
  ended = false;
  writeHead() {}
  write(chunk: string) {
    this.written += chunk.length;
    this.writableLength += chunk.length;
    return true;
  }
  end() {
    this.ended = true;
  }
}

describe('a live stream is bounded while its viewer re-check waits', () => {
  it('closes once what waits behind a hung check passes the buffer bound, instead of holding it all', async () => {
    const raw = new FakeSocket();
    let t = 0;
    const s = openEventStream({ raw, hijack() {} } as never, {
      now: () => t,
      recheckMs: 1000,
      // The database does not answer the viewer check (failing over, pool exhausted).
      stillAllowed: () => new Promise<boolean>(() => {}),
    });
    t = 5000; // the last check is older than recheckMs: every send waits for a new one
    const chunk = `data: ${'x'.repeat(1024)}\n\n`;
    let sent = 0;
    while (!s.closed && sent < 10 * MAX_BUFFERED_BYTES / chunk.length) {
      s.send(chunk);
      sent++;
    }
    expect(s.closed).toBe(true);
    expect(raw.ended).toBe(true);
    expect(sent * chunk.length).toBeLessThanOrEqual(MAX_BUFFERED_BYTES + chunk.length);
  });
});
