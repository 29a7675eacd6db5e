import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, shanghaiDate } from '../../src/domain/calendar/office-hours.js';
import { laterService, ServiceInput } from '../../src/domain/enforcement/service.js';
import { DomainError } from '../../src/domain/shared/errors.js';
import { EMPTY_SERVICE, FIELDS_OF, LATER_METHODS, serviceRequest, type ServiceValues } from '../../web/src/field/enforcement/service-form.js';
import { ENFORCEMENT_STRINGS } from '../../web/src/shared/i18n/enforcement.js';
import { isoToWall } from '../../web/src/shared/dates.js';

const SEED = Number(process.env.FC_SEED ?? 20261207);
const ISSUED_AT = '2026-09-01T02:00:00.000Z'; // 10:00 in Shanghai
const NOW = new Date('2026-09-20T04:00:00.000Z'); // 12:00 in Shanghai
const BY = { id: 'u1', name: '执法队员甲' };

/** What the server says of a body: accepted, or the fields it refuses. */
function server(body: unknown): { ok: true } | { ok: false; fields: string[] } {
  const parsed = ServiceInput.safeParse(body);
  if (!parsed.success) return { ok: false, fields: parsed.error.issues.map((i) => String(i.path[0])) };
  try {
    laterService(parsed.data, ISSUED_AT, NOW, BY);
    return { ok: true };
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    return { ok: false, fields: ((err.details as { fields: { field: string }[] }).fields).map((f) => f.field) };
  }
}

const issueDay = shanghaiDate(Date.parse(ISSUED_AT));
const today = shanghaiDate(NOW);
const span = Math.round((Date.parse(today) - Date.parse(issueDay)) / 86_400_000);
/** A day from the issue day to two days after today (the last two in the future). */
const day = fc.integer({ min: 0, max: span + 2 }).map((n) => addDays(issueDay, n));
/** A Shanghai wall time from the document's issue to two days after now, to the minute. */
const wall = fc.integer({ min: 0, max: Math.floor((NOW.getTime() - Date.parse(ISSUED_AT)) / 60_000) + 2 * 24 * 60 }).map((m) => isoToWall(new Date(Date.parse(ISSUED_AT) + m * 60_000).toISOString()));
const words = fc.constantFrom('XA123456789CN', '送达地址确认书（当事人签字）', 'shop@example.cn', '街道公告栏', '当事人下落不明，邮寄被退回', '  ');
const maybe = <T extends string>(a: fc.Arbitrary<T>) => fc.oneof(fc.constant(''), a);
const values: fc.Arbitrary<ServiceValues> = fc.record({
  receivedOn: maybe(day), trackingNumber: maybe(words), deliveredAt: maybe(wall), address: maybe(words), consent: maybe(words),
  publishedOn: maybe(day), medium: maybe(words), reason: maybe(words), note: maybe(words),
});

describe('the later-service form', () => {
  it('sends only what the server accepts, and refuses before sending exactly what the server would refuse (property)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...LATER_METHODS), values, (method, v) => {
        const req = serviceRequest(method, v, 3, NOW);
        if (req.ok) {
          expect(server(req.body)).toEqual({ ok: true });
          // Nothing of another way of service is sent.
          const sent = Object.keys(req.body).filter((k) => !['method', 'version', 'note'].includes(k));
          expect(sent.sort()).toEqual([...FIELDS_OF[method]].sort());
        } else {
          // The same values sent anyway: the server refuses, naming a field the form named.
          const fields = Object.fromEntries(FIELDS_OF[method].filter((f) => v[f].trim()).map((f) => [f, v[f].trim()]));
          const answer = server({ method, version: 3, ...fields, ...(fields.deliveredAt && { deliveredAt: new Date(Date.parse(`${fields.deliveredAt}:00+08:00`)).toISOString() }) });
          expect(answer.ok).toBe(false);
          if (!answer.ok) expect(req.problems.map((p) => p.field)).toEqual(expect.arrayContaining([answer.fields[0]]));
        }
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('names every missing field of the chosen way, and nothing of the others', () => {
    for (const method of LATER_METHODS) {
      const req = serviceRequest(method, EMPTY_SERVICE, 1, NOW);
      expect(req.ok).toBe(false);
      if (!req.ok) expect(req.problems.map((p) => p.field)).toEqual([...FIELDS_OF[method]]);
    }
  });

  it('says every refusal in Chinese and in English', () => {
    const keys = new Set([...LATER_METHODS.flatMap((m) => FIELDS_OF[m]), 'future']);
    const { zh, en } = ENFORCEMENT_STRINGS;
    for (const k of keys) {
      expect(zh.service.errors[k as keyof typeof zh.service.errors], k).toMatch(/[\u4e00-\u9fff]/);
      expect(en.service.errors[k as keyof typeof en.service.errors], k).toMatch(/^[\x20-\x7e]+$/);
    }
    for (const f of [...LATER_METHODS.flatMap((m) => FIELDS_OF[m]), 'method', 'note'] as const) {
      expect(zh.service[f], f).toMatch(/[\u4e00-\u9fff]/);
      expect(en.service[f], f).toBeTruthy();
    }
  });
});
