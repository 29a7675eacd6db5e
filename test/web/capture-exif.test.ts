import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCaptureExif } from '../../src/server/routes/capture-fields.js';
import { photoForm, uploadWithExifFallback } from '../../web/src/shared/outbox/transport.js';

/**
 * What the field app sends beside a re-encoded photo, the server takes: a camera clock never set
 * (1980), a year far ahead or a corrupt GPS tag is left out of the form rather than turning the
 * whole upload into a 400 that would leave the photo stuck in the outbox.
 */
describe('the field app sends only EXIF the server takes', () => {
  const NAMES = { takenAt: 'exifTakenAt', lat: 'exifLat', lng: 'exifLng' };
  const fields = (form: FormData) => Object.fromEntries([...form.entries()].filter(([k]) => k !== 'file').map(([k, v]) => [k, String(v)]));

  it('for any capture time and point, the form passes the route\'s own schema', () => {
    const now = new Date();
    const time = fc.oneof(
      fc.constant(null),
      fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2200-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString()),
    );
    const coord = fc.oneof(fc.constant(null), fc.double({ min: -1e4, max: 1e4, noNaN: true }), fc.constantFrom(Number.NaN, Infinity, 1e300));
    fc.assert(
      fc.property(time, coord, coord, (takenAt, lat, lng) => {
        const form = photoForm({ blob: new Blob([new Uint8Array([1])]), name: 'p.jpg', takenAt, lat, lng });
        const sent = fields(form);
        const got = parseCaptureExif(now, NAMES, sent);
        // Kept exactly when plausible.
        const t = takenAt ? Date.parse(takenAt) : NaN;
        const plausibleTime = t >= Date.parse('2000-01-01T00:00:00Z') && t <= now.getTime() + 86_400_000;
        expect(got.takenAt !== null).toBe(plausibleTime);
        const plausiblePoint = typeof lat === 'number' && typeof lng === 'number' && Math.abs(lat) <= 90 && Math.abs(lng) <= 180;
        expect(got.lat !== null).toBe(plausiblePoint);
        // (-0 and 0 are one coordinate: the form sends both as "0".)
        if (plausiblePoint) expect([got.lat! + 0, got.lng! + 0]).toEqual([(lat as number) + 0, (lng as number) + 0]);
      }),
      { numRuns: 400 },
    );
  });

  it('a camera clock never set (1980) is left out; the point of a good fix stays', () => {
    const sent = fields(photoForm({ blob: new Blob([new Uint8Array([1])]), name: 'p.jpg', takenAt: '1980-01-01T00:00:00.000Z', lat: 31.2, lng: 121.4 }));
    expect(sent).toEqual({ exifLat: '31.2', exifLng: '121.4' });
  });
  it('a photo whose EXIF the server refuses (a phone clock days ahead of the server\'s) is sent again without it, not left stuck', async () => {
    const serverNow = new Date('2026-05-26T02:30:00Z');
    const sent: Record<string, string>[] = [];
    const server = async (form: FormData) => {
      const f = fields(form);
      sent.push(f);
      try {
        parseCaptureExif(serverNow, NAMES, f);
        return { status: 201, body: { id: 'p1' } };
      } catch (e) {
        const err = e as { code: string; details: unknown };
        return { status: 400, body: { error: { code: err.code, details: err.details } } };
      }
    };
    // The phone's clock (and so its photo's time) is three days ahead of the server's.
    const ahead = { blob: new Blob([new Uint8Array([1])]), name: 'p.jpg', takenAt: new Date(Date.now()).toISOString(), lat: 31.2, lng: 121.4 };
    const r = await uploadWithExifFallback(server, { ...ahead, takenAt: new Date(serverNow.getTime() + 3 * 86_400_000).toISOString() });
    expect(r.status).toBe(201);
    expect(sent).toHaveLength(2);
    expect(sent[1]).toEqual({});
    // Any other refusal is the answer as it came.
    const other = await uploadWithExifFallback(async () => ({ status: 400, body: { error: { code: 'validation_failed', details: { fields: [{ field: 'file' }] } } } }), ahead);
    expect(other.status).toBe(400);
  });
});
