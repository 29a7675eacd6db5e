import type { Places } from './types';

/**
 * Times are stored UTC and shown in Shanghai time as yyyy-MM-dd HH:mm, in both languages and
 * whatever the browser's locale (never 12/04/2026 or 4 Dec 2026).
 */
export function formatTime(iso: string | null | undefined, _lang?: string): string {
  return formatStamp(iso);
}

export function committeeName(places: Places, id: string | null | undefined, lang: string): string {
  const c = places.committees.find((x) => x.id === id);
  if (!c) return '';
  return lang === 'en' ? c.nameEn : c.name;
}

export function subdistrictName(places: Places, id: string | null | undefined, lang: string): string {
  const s = places.subdistricts.find((x) => x.id === id);
  if (!s) return '';
  return lang === 'en' ? s.nameEn : s.name;
}

export function formatHours(hours: [string, string][] | null | undefined): string {
  return (hours ?? []).map(([a, b]) => `${a}–${b}`).join(', ');
}

/** "07:00-09:00, 18:00-20:00" → [["07:00","09:00"],["18:00","20:00"]]; null when malformed. */
export function parseHours(text: string): [string, string][] | null {
  const parts = text.split(/[,，;；]/).map((s) => s.trim()).filter(Boolean);
  const out: [string, string][] = [];
  for (const p of parts) {
    const m = /^(\d{1,2}:\d{2})\s*[-–~至]\s*(\d{1,2}:\d{2})$/.exec(p);
    if (!m) return null;
    const pad = (s: string) => s.padStart(5, '0');
    out.push([pad(m[1]!), pad(m[2]!)]);
  }
  return out;
}

const STAMP = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
});

/** An instant as Shanghai wall time, yyyy-MM-dd HH:mm (the front office's registers use this form). */
export function formatStamp(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const p = Object.fromEntries(STAMP.formatToParts(d).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}
