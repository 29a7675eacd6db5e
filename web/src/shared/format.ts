import { formatStamp } from './dates';
import type { Places } from './types';

export { formatStamp };

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
