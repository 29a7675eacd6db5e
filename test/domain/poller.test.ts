import { afterEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../src/domain/shared/clock.js';
import { createPoller } from '../../src/jobs/poller.js';

const clock = new ManualClock('2026-10-01T00:00:00Z');
const deferred = () => {
  let resolve!: (n: number) => void;
  const promise = new Promise<number>((r) => {
    resolve = r;
  });
  return { promise, resolve };
};

describe('poller base', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('runOnce returns what poll handled and counts it', async () => {
    const p = createPoller({ name: 't', intervalMs: 1000, clock, poll: async () => 3 });
    expect(await p.runOnce()).toBe(3);
    expect(p.stats).toMatchObject({ rounds: 1, handled: 3, errors: 0 });
  });

  it('never overlaps rounds: a second runOnce while one runs waits for it and does not poll again', async () => {
    const gate = deferred();
    let calls = 0;
    const p = createPoller({ name: 't', intervalMs: 1000, clock, poll: () => { calls++; return gate.promise; } });
    const a = p.runOnce();
    const b = p.runOnce();
    gate.resolve(5);
    expect(await a).toBe(5);
    expect(await b).toBe(0);
    expect(calls).toBe(1);
  });

  it('logs a failing round and carries on; nothing escapes', async () => {
    const errors: unknown[] = [];
    let n = 0;
    const p = createPoller({
      name: 'flaky',
      intervalMs: 1000,
      clock,
      logger: { error: (obj) => errors.push(obj) },
      poll: async () => {
        n++;
        if (n === 1) throw new Error('database is locked');
        return 2;
      },
    });
    expect(await p.runOnce()).toBe(0);
    expect(errors).toHaveLength(1);
    expect(p.stats.lastError).toBe('database is locked');
    expect(await p.runOnce()).toBe(2);
    expect(p.stats).toMatchObject({ rounds: 2, handled: 2, errors: 1 });
  });

  it('start polls at once and then every interval; destroy stops it and waits for the running round', async () => {
    vi.useFakeTimers();
    let calls = 0;
    const p = createPoller({ name: 't', intervalMs: 5000, clock, poll: async () => { calls++; return 0; } });
    p.start();
    p.start(); // idempotent
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toBe(1);
    await vi.advanceTimersByTimeAsync(4999);
    expect(calls).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toBe(2);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(calls).toBe(4);
    await p.destroy();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(calls).toBe(4);
  });

  it('schedules the next round only after the previous one finished (slow rounds do not pile up)', async () => {
    vi.useFakeTimers();
    let calls = 0;
    let active = 0;
    let maxActive = 0;
    const p = createPoller({
      name: 'slow',
      intervalMs: 100,
      clock,
      poll: async () => {
        calls++;
        active++;
        maxActive = Math.max(maxActive, active);
        await new Promise((r) => setTimeout(r, 1000));
        active--;
        return 1;
      },
    });
    p.start();
    await vi.advanceTimersByTimeAsync(5000);
    expect(maxActive).toBe(1);
    expect(calls).toBeLessThanOrEqual(5);
    expect(calls).toBeGreaterThanOrEqual(4);
    const stopping = p.destroy();
    await vi.advanceTimersByTimeAsync(1000);
    await stopping;
    const after = calls;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(calls).toBe(after);
  });
});
