import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../web/src/shared/outbox/memory-store.js';
import { flush } from '../../web/src/shared/outbox/queue.js';
import { backoffMs, captureTimeField, classify, substitutePhotos, withCaptureTime } from '../../web/src/shared/outbox/rules.js';
import type { OutboxItem, OutboxTransport, SendResult } from '../../web/src/shared/outbox/types.js';
import { fitWithin, searchEncoding } from '../../web/src/shared/photos/sizing.js';

function item(label: string, extra: Partial<OutboxItem> = {}): OutboxItem {
  return {
    key: `fld-${label}`, label, method: 'POST', path: `/api/x/${label}`, body: { label }, photos: [], capturedAt: '2026-05-26T10:00:00Z',
    position: null, state: 'pending', attempts: 0, nextAttemptAt: 0, lastError: null, serverState: null, ...extra,
  };
}

/** A scripted server: answers per path, records every call (with its key). */
function server(answers: Record<string, SendResult[]>, uploads: SendResult[] = []) {
  const calls: string[] = [];
  const t: OutboxTransport = {
    async uploadPhoto(p) {
      calls.push(`upload ${p.name}`);
      return uploads.shift() ?? { status: 201, body: { id: `photo-${p.name}` } };
    },
    async send(i, body) {
      calls.push(`${i.path} ${i.key} ${JSON.stringify(body)}`);
      const next = answers[i.path]?.shift();
      if (!next) throw new Error('network down');
      return next;
    },
    async currentState() {
      return { status: 'closed' };
    },
  };
  return { t, calls };
}

describe('outbox rules', () => {
  it('classifies answers by the one conflict rule', () => {
    expect([200, 201, 409, 400, 404, 422, 401, 0, 500, 503, 429].map(classify)).toEqual([
      'sent', 'sent', 'conflict', 'attention', 'attention', 'attention', 'retry', 'retry', 'retry', 'retry', 'retry',
    ]);
    expect([1, 2, 3, 10, 20].map(backoffMs)).toEqual([2000, 4000, 8000, 120_000, 120_000]);
    expect(substitutePhotos({ a: 'outbox-photo:1', b: ['outbox-photo:1', 'x'], c: 3 }, new Map([['outbox-photo:1', 'P']]))).toEqual({ a: 'P', b: ['P', 'x'], c: 3 });
  });
});

describe('outbox flush', () => {
  it('sends in capture order with the capture-time key, stops at the first retryable failure, keeps the rest', async () => {
    const store = new MemoryStore();
    for (const l of ['a', 'b', 'c']) await store.add(item(l));
    const { t, calls } = server({ '/api/x/a': [{ status: 201, body: {} }], '/api/x/b': [{ status: 503, body: null }] });
    const r = await flush(store, t, () => 1000);
    expect(r).toEqual({ sent: 1, conflicts: 0, attention: 0, blocked: true });
    expect(calls.map((c) => c.split(' ').slice(0, 2).join(' '))).toEqual(['/api/x/a fld-a', '/api/x/b fld-b']);
    const left = await store.all();
    expect(left.map((i) => [i.label, i.attempts, i.nextAttemptAt])).toEqual([['b', 1, 3000], ['c', 0, 0]]);
    // Before the backoff has passed nothing is sent; after it, b then c go, b with the SAME key.
    expect((await flush(store, t, () => 2000)).sent).toBe(0);
    const { t: t2, calls: calls2 } = server({ '/api/x/b': [{ status: 201, body: {} }], '/api/x/c': [{ status: 201, body: {} }] });
    expect((await flush(store, t2, () => 3000)).sent).toBe(2);
    expect(calls2.map((c) => c.split(' ')[1])).toEqual(['fld-b', 'fld-c']);
    expect(await store.all()).toEqual([]);
  });

  it('sets conflicts (with the server state) and validation errors aside, never drops them, and goes on', async () => {
    const store = new MemoryStore();
    for (const l of ['a', 'b', 'c']) await store.add(item(l));
    const { t } = server({
      '/api/x/a': [{ status: 409, body: { error: { code: 'transition_not_allowed', message: 'closed' } } }],
      '/api/x/b': [{ status: 422, body: { error: { code: 'validation_failed', message: 'bad' } } }],
      '/api/x/c': [{ status: 201, body: {} }],
    });
    expect(await flush(store, t, () => 0)).toEqual({ sent: 1, conflicts: 1, attention: 1, blocked: false });
    const left = await store.all();
    expect(left.map((i) => [i.label, i.state, i.lastError?.code])).toEqual([['a', 'conflict', 'transition_not_allowed'], ['b', 'attention', 'validation_failed']]);
    expect(left[0]!.serverState).toEqual({ status: 'closed' });
    // Set-aside items are not resent by later runs.
    expect(await flush(store, t, () => 0)).toEqual({ sent: 0, conflicts: 0, attention: 0, blocked: false });
  });

  it('uploads photos first, once, and substitutes their ids; a lost answer to the action is retried with the same key and no new upload', async () => {
    const store = new MemoryStore();
    const blob = new Blob([new Uint8Array([1, 2, 3])], { type: 'image/jpeg' });
    await store.add(item('r', { body: { photoIds: ['outbox-photo:p1'] }, photos: [{ token: 'outbox-photo:p1', blob, name: 'one', takenAt: null, lat: null, lng: null }] }));
    const { t, calls } = server({ '/api/x/r': [] });
    expect((await flush(store, t, () => 0)).blocked).toBe(true);
    const { t: t2, calls: calls2 } = server({ '/api/x/r': [{ status: 201, body: {} }] });
    expect((await flush(store, t2, () => 10_000)).sent).toBe(1);
    expect(calls).toEqual(['upload one', '/api/x/r fld-r {"photoIds":["photo-one"]}']);
    expect(calls2).toEqual(['/api/x/r fld-r {"photoIds":["photo-one"]}']);
  });

  it('a photo upload rejected as invalid sets the action aside; a failed upload keeps it queued', async () => {
    const store = new MemoryStore();
    const blob = new Blob([new Uint8Array([1])]);
    await store.add(item('p', { body: { photoId: 'outbox-photo:x' }, photos: [{ token: 'outbox-photo:x', blob, name: 'x', takenAt: null, lat: null, lng: null }] }));
    expect((await flush(store, server({}, [{ status: 0, body: null }]).t, () => 0)).blocked).toBe(true);
    expect((await store.all())[0]!.state).toBe('pending');
    expect((await flush(store, server({}, [{ status: 415, body: { error: { code: 'unsupported_media_type' } } }]).t, () => 1e9)).attention).toBe(1);
    expect((await store.all())[0]!.state).toBe('attention');
  });
});

describe('photo sizing', () => {
  it('fits the long side within 1600 px keeping the ratio, never upscaling', () => {
    expect(fitWithin(4000, 3000)).toEqual({ width: 1600, height: 1200 });
    expect(fitWithin(3000, 4000)).toEqual({ width: 1200, height: 1600 });
    expect(fitWithin(800, 600)).toEqual({ width: 800, height: 600 });
  });
  it('lowers quality stepwise, then shrinks, until under the byte limit', async () => {
    const tried: [number, number][] = [];
    const r = await searchEncoding(async (scale, q) => {
      tried.push([scale, q]);
      return { size: Math.round(1_000_000 * scale * scale * q) };
    }, 400 * 1024);
    expect(r.blob.size).toBeLessThanOrEqual(400 * 1024);
    expect(tried[0]).toEqual([1, 0.85]);
    expect(r.quality).toBe(0.38);
    expect(r.scale).toBe(1);
    const big = await searchEncoding(async (scale, q) => ({ size: Math.round(3_000_000 * scale * scale * q) }), 400 * 1024);
    expect(big.scale).toBeLessThan(1);
    expect(big.blob.size).toBeLessThanOrEqual(400 * 1024);
  });
});

describe('capture time, stamped by the outbox', () => {
  it('names the field each endpoint takes: deviceTime for check-ins and inspections, deviceAt for the rest', () => {
    expect(captureTimeField('/api/checkins')).toBe('deviceTime');
    expect(captureTimeField('/api/inspections')).toBe('deviceTime');
    expect(captureTimeField('/api/cases')).toBe('deviceAt');
    expect(captureTimeField('/api/cases/c1/transitions')).toBe('deviceAt');
    expect(captureTimeField('/api/enforcement/cases/e1/steps')).toBe('deviceAt');
    expect(captureTimeField('/api/checkins-export')).toBe('deviceAt');
  });
  it('adds the capture time when the page did not set one, and keeps one it did', () => {
    const at = '2026-05-26T10:00:00.000Z';
    expect(withCaptureTime({ siteId: 's' }, '/api/checkins', at)).toEqual({ siteId: 's', deviceTime: at });
    expect(withCaptureTime({ action: 'handle', version: 3 }, '/api/cases/c1/transitions', at)).toEqual({ action: 'handle', version: 3, deviceAt: at });
    expect(withCaptureTime({ deviceAt: '2026-05-26T09:59:00.000Z' }, '/api/cases', at)).toEqual({ deviceAt: '2026-05-26T09:59:00.000Z' });
    expect(withCaptureTime(null, '/api/cases', at)).toBeNull();
  });
});
