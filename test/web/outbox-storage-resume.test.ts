import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../web/src/shared/outbox/memory-store.js';
import { flush } from '../../web/src/shared/outbox/queue.js';
import { errorOf } from '../../web/src/shared/outbox/rules.js';
import { isQuotaError, outboxBytes, storageWarning, WARN_OUTBOX_BYTES, WARN_OUTBOX_ITEMS } from '../../web/src/shared/outbox/storage.js';
import type { OutboxItem, OutboxPhoto, OutboxTransport, SendResult } from '../../web/src/shared/outbox/types.js';

const MB = 1024 * 1024;
const photo = (name: string, bytes: number, uploadedId?: string): OutboxPhoto => ({
  token: `outbox-photo:${name}`, blob: new Blob([new Uint8Array(bytes)], { type: 'image/jpeg' }), name, takenAt: null, lat: null, lng: null, ...(uploadedId ? { uploadedId } : {}),
});
const item = (label: string, extra: Partial<OutboxItem> = {}): OutboxItem => ({
  key: `fld-${label}`, label, method: 'POST', path: `/api/x/${label}`, body: { label }, photos: [], capturedAt: '2026-05-26T10:00:00Z',
  position: null, state: 'pending', attempts: 0, nextAttemptAt: 0, lastError: null, serverState: null, ...extra,
});

describe('storage warning', () => {
  it('warns on the quota when the Storage API answers: ≥ 80 % used or < 50 MB left', () => {
    expect(storageWarning({ usage: 80, quota: 100 }, { items: 0, bytes: 0 })).toMatchObject({ kind: 'quota', pct: 80 });
    expect(storageWarning({ usage: 10 * MB, quota: 40 * MB }, { items: 0, bytes: 0 })).toEqual({ kind: 'quota', pct: 25, freeMb: 30 });
    expect(storageWarning({ usage: 79 * MB, quota: 1000 * MB }, { items: 0, bytes: 0 })).toBeNull();
  });

  it('without the Storage API (or with no quota) it still warns when the outbox itself is large', () => {
    expect(storageWarning(null, { items: 3, bytes: 1 * MB })).toBeNull();
    expect(storageWarning({}, { items: 3, bytes: WARN_OUTBOX_BYTES })).toEqual({ kind: 'outbox', items: 3, mb: 40 });
    expect(storageWarning(null, { items: WARN_OUTBOX_ITEMS, bytes: 0 })).toMatchObject({ kind: 'outbox', items: WARN_OUTBOX_ITEMS });
  });

  it('recognises a full storage (IndexedDB QuotaExceededError), and nothing else', () => {
    expect(isQuotaError(new DOMException('full', 'QuotaExceededError'))).toBe(true);
    expect(isQuotaError(new DOMException('gone', 'AbortError'))).toBe(false);
    expect(isQuotaError(new Error('x'))).toBe(false);
    expect(isQuotaError(null)).toBe(false);
  });

  it('counts photos still to upload and the bodies, not photos already uploaded', () => {
    const items = [item('a', { photos: [photo('p1', 1000), photo('p2', 500, 'srv-2')] }), item('b')];
    expect(outboxBytes(items)).toBe(1000 + JSON.stringify({ label: 'a' }).length + JSON.stringify({ label: 'b' }).length);
  });
});

describe('outbox resume and fixable refusals', () => {
  it('resumes photo uploads: a photo uploaded before the failure is not uploaded again on retry', async () => {
    const store = new MemoryStore();
    await store.add(item('r', { body: { photoIds: ['outbox-photo:one', 'outbox-photo:two'] }, photos: [photo('one', 10), photo('two', 10)] }));
    const calls: string[] = [];
    const transport = (uploads: SendResult[], sends: SendResult[]): OutboxTransport => ({
      async uploadPhoto(p) {
        calls.push(`upload ${p.name}`);
        return uploads.shift()!;
      },
      async send(_i, body) {
        calls.push(`send ${JSON.stringify(body)}`);
        return sends.shift()!;
      },
      async currentState() {
        return null;
      },
    });
    const first = await flush(store, transport([{ status: 201, body: { id: 'P1' } }, { status: 0, body: null }], []), () => 0);
    expect(first.blocked).toBe(true);
    expect((await store.all())[0]!.photos.map((p) => p.uploadedId ?? null)).toEqual(['P1', null]);
    await flush(store, transport([{ status: 201, body: { id: 'P2' } }], [{ status: 201, body: {} }]), () => 1e9);
    expect(calls).toEqual(['upload one', 'upload two', 'upload two', 'send {"photoIds":["P1","P2"]}']);
    expect(await store.all()).toEqual([]);
  });

  it('keeps the field reasons and details of a refusal, so the page can offer the fix', () => {
    const e = errorOf({
      status: 400,
      body: { error: { code: 'validation_failed', message: 'offSiteReason: …', details: { fields: [{ field: 'offSiteReason', reason: 'required outside the geofence' }], geofence: { distanceM: 300, radiusM: 50 } } } },
    });
    expect(e).toMatchObject({ status: 400, code: 'validation_failed', fields: [{ field: 'offSiteReason' }], details: { geofence: { distanceM: 300 } } });
    expect(errorOf({ status: 0, body: null })).toEqual({ status: 0, code: 'network_error', message: '' });
  });
});
