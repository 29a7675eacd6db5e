import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderNotice } from '../../src/domain/notifications/messages.js';

/** Shanghai wall-clock parts as the ICU time zone data gives them. */
const FORMAT = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
});
const intlParts = (iso: string) => Object.fromEntries(FORMAT.formatToParts(new Date(iso)).map((x) => [x.type, x.value])) as Record<string, string>;

describe('times in notices', () => {
  it('read as Shanghai wall-clock time by the time zone data, before, during and after its daylight-saving years', () => {
    const instant = fc.oneof(
      fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('9999-12-31T15:59:59Z'), noInvalidDate: true }),
      // 1986–1991: China's daylight-saving summers; around the turn of 1992 and of the year 9999.
      fc.date({ min: new Date('1986-01-01T00:00:00Z'), max: new Date('1992-06-01T00:00:00Z'), noInvalidDate: true }),
      fc.date({ min: new Date('1991-12-31T00:00:00Z'), max: new Date('1992-01-02T00:00:00Z'), noInvalidDate: true }),
      fc.date({ min: new Date('9999-12-31T00:00:00Z'), max: new Date('9999-12-31T15:59:59Z'), noInvalidDate: true }),
    );
    fc.assert(
      fc.property(instant, (d) => {
        const iso = d.toISOString();
        const p = intlParts(iso);
        const params = { number: 'X-1', description: '满溢', dueAt: iso };
        expect(renderNotice({ key: 'case_dispatched', params }, 'zh').body).toBe(`满溢，处置时限 ${p.year}/${p.month}/${p.day} ${p.hour}:${p.minute}`);
        expect(renderNotice({ key: 'case_dispatched', params }, 'en').body).toBe(`满溢; handle by ${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`);
      }),
      { numRuns: 3000 },
    );
  });
});
