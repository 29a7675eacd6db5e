import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, addMonths, monthWeeks } from '../../web/src/shared/date-input/month-grid.js';
import { type DateKind, displayValue, mayGrow, parseInput } from '../../web/src/shared/date-input/parse.js';
import { formatStamp, isoToWall, shanghaiToday, wallToIso } from '../../web/src/shared/dates.js';

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const daysIn = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();

/** A real calendar day as [year, month, day]. */
const realDay = fc.integer({ min: 1000, max: 9999 }).chain((y) =>
  fc.integer({ min: 1, max: 12 }).chain((m) => fc.integer({ min: 1, max: daysIn(y, m) }).map((d) => [y, m, d] as const)));
const realClock = fc.tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }));
const canonDay = ([y, m, d]: readonly [number, number, number]) => `${y}-${pad(m)}-${pad(d)}`;
const canonClock = ([h, mi]: [number, number]) => `${pad(h)}:${pad(mi)}`;

/** The ways a person types a date: the canonical form, other separators, 年月日, digits only, unpadded, full-width. */
const typedDay = (v: readonly [number, number, number]) => {
  const [y, m, d] = v;
  return [
    canonDay(v), `${y}/${m}/${d}`, `${y}.${pad(m)}.${pad(d)}`, `${y}年${m}月${d}日`, `${y}${pad(m)}${pad(d)}`, `${y}-${m}-${d}`,
    ` ${canonDay(v)} `, canonDay(v).replace(/[0-9-]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)),
  ];
};
const typedClock = ([h, mi]: [number, number]) => [canonClock([h, mi]), `${h}:${pad(mi)}`, `${pad(h)}：${pad(mi)}`, `${h}时${mi}分`, `${pad(h)}${pad(mi)}`, `${h}.${pad(mi)}`];

/** Does this canonical value name a real date/time? Checked independently of the parser, through Date. */
function isReal(kind: DateKind, v: string): boolean {
  const day = (s: string) => {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
    if (!m) return false;
    const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
    return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() + 1 === Number(m[2]) && d.getUTCDate() === Number(m[3]);
  };
  const clock = (s: string) => /^([01]\d|2[0-3]):[0-5]\d$/.test(s);
  if (kind === 'date') return day(v);
  if (kind === 'time') return clock(v);
  const [d, c, ...rest] = v.split('T');
  return rest.length === 0 && !!d && !!c && day(d) && clock(c);
}

describe('typed dates and times (Chinese conventions: yyyy-MM-dd, 24-hour HH:mm)', () => {
  it('any real date round-trips, whichever way it is typed', () => {
    fc.assert(fc.property(realDay, (v) => {
      for (const typed of typedDay(v)) expect(parseInput('date', typed), typed).toBe(canonDay(v));
      expect(parseInput('date', displayValue('date', canonDay(v)))).toBe(canonDay(v));
    }));
  });

  it('any 24-hour time round-trips, whichever way it is typed', () => {
    fc.assert(fc.property(realClock, (c) => {
      for (const typed of typedClock(c)) expect(parseInput('time', typed), typed).toBe(canonClock(c));
    }));
  });

  it('any date and time round-trips through what the input shows (space) and the native form (T)', () => {
    fc.assert(fc.property(realDay, realClock, fc.integer({ min: 0, max: 5 }), (d, c, i) => {
      const value = `${canonDay(d)}T${canonClock(c)}`;
      expect(displayValue('datetime', value)).toBe(`${canonDay(d)} ${canonClock(c)}`);
      expect(parseInput('datetime', displayValue('datetime', value))).toBe(value);
      expect(parseInput('datetime', value)).toBe(value);
      expect(parseInput('datetime', `${typedDay(d)[i]!.trim()} ${typedClock(c)[i]}`)).toBe(value);
      expect(parseInput('datetime', `${canonDay(d).replace(/-/g, '')}${canonClock(c).replace(':', '')}`)).toBe(value);
    }));
  });

  it('rejects days that do not exist: month 0 or over 12, day 0 or past the month end (29 February of common years)', () => {
    const badDay = fc.oneof(
      fc.tuple(fc.integer({ min: 1000, max: 9999 }), fc.constantFrom(0, 13, 19, 99), fc.integer({ min: 1, max: 28 })),
      fc.tuple(fc.integer({ min: 1000, max: 9999 }), fc.integer({ min: 1, max: 12 }), fc.constant(0)),
      fc.integer({ min: 1000, max: 9999 }).chain((y) => fc.integer({ min: 1, max: 12 }).chain((m) => fc.integer({ min: daysIn(y, m) + 1, max: 99 }).map((d) => [y, m, d] as [number, number, number]))),
    );
    fc.assert(fc.property(badDay, realClock, ([y, m, d], c) => {
      expect(parseInput('date', `${y}-${pad(m)}-${pad(d)}`)).toBeNull();
      expect(parseInput('date', `${y}/${m}/${d}`)).toBeNull();
      expect(parseInput('datetime', `${y}-${pad(m)}-${pad(d)} ${canonClock(c)}`)).toBeNull();
    }));
    expect(parseInput('date', '2026-02-29')).toBeNull();
    expect(parseInput('date', '2028-02-29')).toBe('2028-02-29');
  });

  it('rejects times past 23:59 (no 12-hour forms, no 24:00)', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 99 }), (h, mi) => {
      fc.pre(h > 23 || mi > 59);
      expect(parseInput('time', `${pad(h)}:${pad(mi)}`)).toBeNull();
      expect(parseInput('datetime', `2026-12-05 ${pad(h)}:${pad(mi)}`)).toBeNull();
    }));
    for (const s of ['4:00 PM', '04:00 pm', '24:00', '12/05/2026', '05/12/2026 16:00', 'Dec 5, 2026', '2026-12-05 16', '26-12-05', '2026-12-05 16:00:00']) {
      expect(parseInput(s.includes(' ') && /\d{4}/.test(s) ? 'datetime' : s.includes(':') ? 'time' : 'date', s), s).toBeNull();
    }
  });

  it('any other string is rejected or read as a real date — never as garbage', () => {
    const kinds = fc.constantFrom<DateKind>('date', 'time', 'datetime');
    const noise = fc.oneof(fc.string(), fc.stringMatching(/^[0-9 :\-/.T年月日时分]{0,20}$/));
    fc.assert(fc.property(kinds, noise, (kind, s) => {
      const v = parseInput(kind, s);
      if (v !== null) expect(isReal(kind, v), `${kind} ${JSON.stringify(s)} → ${v}`).toBe(true);
    }), { numRuns: 2000 });
    fc.assert(fc.property(realDay, fc.constantFrom('x', '日日', '-', ':', '0', '/1'), (d, tail) => {
      expect(parseInput('date', canonDay(d) + tail)).toBeNull();
    }));
  });

  it('waits for more digits only while they could change the meaning', () => {
    fc.assert(fc.property(realDay, realClock, (d, c) => {
      expect(mayGrow('date', canonDay(d))).toBe(false);
      expect(mayGrow('time', canonClock(c))).toBe(false);
      expect(mayGrow('datetime', `${canonDay(d)} ${canonClock(c)}`)).toBe(false);
    }));
    expect(parseInput('date', '2026-12-1')).toBe('2026-12-01');
    expect(mayGrow('date', '2026-12-1')).toBe(true);
    expect(mayGrow('date', '2026-12-4')).toBe(false);
  });
});

describe('Shanghai wall time', () => {
  const instant = fc.integer({ min: Date.UTC(1992, 0, 1) / 60_000, max: Date.UTC(2100, 0, 1) / 60_000 }).map((m) => new Date(m * 60_000).toISOString());
  const intl = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const byIntl = (iso: string) => {
    const p = Object.fromEntries(intl.formatToParts(new Date(iso)).map((x) => [x.type, x.value]));
    return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
  };

  it('agrees with the Asia/Shanghai zone of the time-zone database and round-trips to the same instant', () => {
    fc.assert(fc.property(instant, (iso) => {
      expect(isoToWall(iso)).toBe(byIntl(iso));
      expect(wallToIso(isoToWall(iso))).toBe(iso);
      expect(formatStamp(iso)).toBe(byIntl(iso).replace('T', ' '));
      expect(shanghaiToday(new Date(iso))).toBe(byIntl(iso).slice(0, 10));
    }));
  });

  it('shows every time as yyyy-MM-dd HH:mm (the lists, timelines and documents of both apps use this)', () => {
    fc.assert(fc.property(instant, (iso) => {
      expect(formatStamp(iso)).toMatch(/^\d{4}-\d{2}-\d{2} ([01]\d|2[0-3]):[0-5]\d$/);
    }));
    expect(formatStamp('2026-12-05T08:00:00.000Z')).toBe('2026-12-05 16:00');
    expect(formatStamp('not a time')).toBe('');
  });
});

describe('the picker’s month grid', () => {
  it('holds every day of the month once, under its weekday (Monday first)', () => {
    fc.assert(fc.property(realDay, (v) => {
      const weeks = monthWeeks(canonDay(v));
      const days = weeks.flat().filter((x): x is string => !!x);
      expect(days).toEqual(Array.from({ length: daysIn(v[0], v[1]) }, (_, i) => `${v[0]}-${pad(v[1])}-${pad(i + 1)}`));
      for (const w of weeks) {
        expect(w).toHaveLength(7);
        w.forEach((d, col) => { if (d) expect((new Date(`${d}T00:00:00Z`).getUTCDay() + 6) % 7).toBe(col); });
      }
    }));
  });

  it('moves by days and months without leaving the calendar', () => {
    fc.assert(fc.property(realDay, fc.integer({ min: -400, max: 400 }), fc.integer({ min: -24, max: 24 }), (v, n, months) => {
      fc.pre(v[0] > 1001 && v[0] < 9998);
      const d = canonDay(v);
      expect(addDays(addDays(d, n), -n)).toBe(d);
      const moved = addMonths(d, months);
      expect(parseInput('date', moved)).toBe(moved);
      expect(Number(moved.slice(8))).toBe(Math.min(v[2], daysIn(Number(moved.slice(0, 4)), Number(moved.slice(5, 7)))));
    }));
  });
});
