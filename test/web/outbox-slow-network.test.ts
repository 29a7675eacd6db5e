import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MemoryStore } from '../../web/src/shared/outbox/memory-store.js';
import { flush } from '../../web/src/shared/outbox/queue.js';
import { fetchTransport } from '../../web/src/shared/outbox/transport.js';
import type { OutboxItem } from '../../web/src/shared/outbox/types.js';

/** A network that took the request and never answers (a dead cell in a basement, a stuck proxy): only an abort ends it. */
function hangingNetwork() {
  const calls: string[] = [];
  vi.stubGlobal('fetch', (url: string, init?: RequestInit) => {
    calls.push(`${init?.method ?? 'GET'} ${url}`);
    return new Promise<Response>((_ok, fail) => {
      init?.signal?.addEventListener('abort', () => fail(new DOMException('The operation was aborted.', 'AbortError')));
    });
  });
  return calls;
}

/** Whether a promise has settled, without waiting for it. */
function watch<T>(p: Promise<T>) {
  const w = { settled: false, value: undefined as T | undefined };
  void p.then((v) => {
    w.settled = true;
    w.value = v;
  });
  return w;
}

const item: OutboxItem = {
  key: 'fld-slow', label: '打卡', method: 'POST', path: '/api/checkins', body: { siteId: 's1' }, photos: [], capturedAt: '2026-12-06T08:00:00Z',
  position: null, state: 'pending', attempts: 0, nextAttemptAt: 0, lastError: null, serverState: null,
};

describe('outbox on a network that never answers', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('gives up on an action within a minute (no answer: status 0, retried later with the same key)', async () => {
    const calls = hangingNetwork();
    const sent = watch(fetchTransport.send(item, item.body));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(calls).toEqual(['POST /api/checkins']);
    expect(sent.settled).toBe(true);
    expect(sent.value).toEqual({ status: 0, body: null });
  });

  it('a photo upload gets longer (400 KB on a slow link) but is not waited for forever either', async () => {
    hangingNetwork();
    const up = watch(fetchTransport.uploadPhoto({ token: 'outbox-photo:1', blob: new Blob([new Uint8Array(10)], { type: 'image/jpeg' }), name: 'a.jpg', takenAt: null, lat: null, lng: null }));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(up.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(5 * 60_000);
    expect(up.settled).toBe(true);
    expect(up.value).toEqual({ status: 0, body: null });
  });

  it('a run of the outbox ends (blocked, the action kept with its key and a backoff) instead of hanging every later sync', async () => {
    hangingNetwork();
    const store = new MemoryStore();
    await store.add(item);
    const run = watch(flush(store, fetchTransport, () => 1000));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(run.settled).toBe(true);
    expect(run.value).toEqual({ sent: 0, conflicts: 0, attention: 0, blocked: true });
    expect((await store.all()).map((i) => [i.key, i.state, i.attempts, i.lastError?.code])).toEqual([['fld-slow', 'pending', 1, 'network_error']]);
  });
});

describe('sending at once on a network that never answers', () => {
  afterEach(() => {
    vi.clearAllTimers();
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('the person is not kept waiting: after 20 s the action goes to the outbox with the key of the attempt', async () => {
    vi.useFakeTimers();
    const { sendOrQueue } = await import('../../web/src/shared/outbox/send-or-queue.js');
    const { discard, setOutboxOwner, subscribe } = await import('../../web/src/shared/outbox/outbox.js');
    const nav = { onLine: true };
    vi.stubGlobal('navigator', nav);
    await setOutboxOwner('user-1');
    const keys: string[] = [];
    vi.stubGlobal('fetch', (_url: string, init?: RequestInit) => {
      keys.push((init?.headers as Record<string, string>)['idempotency-key']!);
      return new Promise<Response>((_ok, fail) => {
        init?.signal?.addEventListener('abort', () => {
          // The signal is gone for good: the outbox's own timer does not try again during the test.
          nav.onLine = false;
          fail(new DOMException('The operation was aborted.', 'AbortError'));
        });
      });
    });
    const sent = watch(sendOrQueue({ label: '打卡', path: '/api/checkins', body: { siteId: 's1' } }));
    await vi.advanceTimersByTimeAsync(19_000);
    expect(sent.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(sent.settled).toBe(true);
    expect(sent.value).toMatchObject({ queued: true });
    let kept: OutboxItem[] = [];
    subscribe((items) => {
      kept = items;
    })();
    try {
      expect(kept.map((i) => [i.key, i.path, i.state])).toEqual([[keys[0], '/api/checkins', 'pending']]);
      expect(keys).toHaveLength(1);
    } finally {
      for (const i of kept) await discard(i.seq as number);
    }
  });
});

describe('capture order when back online', () => {
  afterEach(() => {
    vi.clearAllTimers();
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('an action captured while older ones still wait in the outbox queues behind them: it never overtakes them', async () => {
    vi.useFakeTimers();
    const { sendOrQueue } = await import('../../web/src/shared/outbox/send-or-queue.js');
    const { discard, enqueue, setOutboxOwner, subscribe, syncNow } = await import('../../web/src/shared/outbox/outbox.js');
    const nav = { onLine: false };
    vi.stubGlobal('navigator', nav);
    await setOutboxOwner('user-1');
    const calls: string[] = [];
    vi.stubGlobal('fetch', async (url: string, init?: RequestInit) => {
      calls.push(`${url} ${(init?.headers as Record<string, string>)['idempotency-key']}`);
      return new Response(JSON.stringify({ id: 'x' }), { status: 201, headers: { 'content-type': 'application/json' } });
    });
    // In the basement: the check-in waits on the phone.
    await enqueue({ label: '打卡', path: '/api/checkins', body: { siteId: 'a' }, key: 'fld-first' });
    await vi.advanceTimersByTimeAsync(0);
    // Out on the street, before the outbox has run: the inspection is captured.
    nav.onLine = true;
    try {
      const second = await sendOrQueue({ label: '检查', path: '/api/inspections', body: { siteId: 'a' }, key: 'fld-second' });
      expect(second.queued).toBe(true);
      expect(calls).toEqual([]);
      await syncNow(true);
      expect(calls).toEqual(['/api/checkins fld-first', '/api/inspections fld-second']);
    } finally {
      let left: { seq?: number }[] = [];
      subscribe((items) => {
        left = items;
      })();
      for (const i of left) await discard(i.seq as number);
    }
  });
});
