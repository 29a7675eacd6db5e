import { afterEach, describe, expect, it, vi } from 'vitest';
import { outboxView } from '../../web/src/shared/outbox/owner.js';
import type { OutboxItem } from '../../web/src/shared/outbox/types.js';

function item(owner: string | null | undefined, key: string): OutboxItem {
  return {
    owner, key, label: key, method: 'POST', path: '/api/checkins', body: {}, photos: [], capturedAt: '2026-12-06T08:00:00Z',
    position: null, state: 'pending', attempts: 0, nextAttemptAt: 0, lastError: null, serverState: null,
  };
}

describe('outbox ownership rule', () => {
  it("a person sees their own actions and only the number of anyone else's; nobody sees unowned or anyone's as nobody", () => {
    const items = [item('a', 'a1'), item('b', 'b1'), item('a', 'a2'), item(undefined, 'old')];
    expect(outboxView(items, 'a')).toEqual({ mine: [items[0], items[2]], others: 2 });
    expect(outboxView(items, 'b').mine.map((i) => i.key)).toEqual(['b1']);
    expect(outboxView(items, null)).toEqual({ mine: [], others: 4 });
  });
});

describe('outbox: only the confirmed session sends, changes or discards its own actions', () => {
  afterEach(() => {
    vi.clearAllTimers();
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it("another person signed in on the phone never sends the first person's actions; that person, signed in again, does", async () => {
    vi.useFakeTimers();
    const { discard, enqueue, hasPending, setOutboxOwner, subscribe, syncNow } = await import('../../web/src/shared/outbox/outbox.js');
    vi.stubGlobal('navigator', { onLine: false });
    const sent: string[] = [];
    vi.stubGlobal('fetch', async (_url: string, init?: RequestInit) => {
      sent.push((init?.headers as Record<string, string>)['idempotency-key']!);
      return new Response(JSON.stringify({ id: 'x' }), { status: 201, headers: { 'content-type': 'application/json' } });
    });
    const left = () => {
      let all: OutboxItem[] = [];
      subscribe((items) => {
        all = items;
      })();
      return all.filter((i) => i.key.startsWith('fld-own-'));
    };
    try {
      await setOutboxOwner(null);
      await expect(enqueue({ label: '打卡', path: '/api/checkins', body: {}, key: 'fld-own-nobody' })).rejects.toMatchObject({ code: 'unauthenticated' });

      await setOutboxOwner('alice');
      const aliceSeq = await enqueue({ label: '打卡', path: '/api/checkins', body: {}, key: 'fld-own-alice' });
      await setOutboxOwner(null);
      await setOutboxOwner('bob');
      // Bob's first action is not held behind Alice's (it is not his to wait for).
      expect(await hasPending()).toBe(false);
      await enqueue({ label: '检查', path: '/api/inspections', body: {}, key: 'fld-own-bob' });
      await syncNow(true);
      expect(sent).toEqual(['fld-own-bob']);
      // Nor may Bob discard Alice's action.
      await discard(aliceSeq);
      expect(left().map((i) => [i.key, i.owner])).toEqual([['fld-own-alice', 'alice']]);

      await setOutboxOwner('alice');
      await syncNow(true);
      expect(sent).toEqual(['fld-own-bob', 'fld-own-alice']);
      expect(left()).toEqual([]);
    } finally {
      for (const i of left()) {
        await setOutboxOwner(i.owner ?? null);
        await discard(i.seq as number);
      }
    }
  });
});
