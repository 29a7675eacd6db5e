/**
 * Distances as the field app shows them, everywhere in one unit and one format: whole metres
 * below a kilometre, kilometres with one decimal above (whole kilometres from 10 km). Chinese
 * says 米 / 公里, English m / km. Number and unit are joined by a no-break space so "53 米"
 * never wraps on a 360 px phone.
 */
const UNITS = {
  zh: { m: '米', km: '公里' },
  en: { m: 'm', km: 'km' },
} as const;
export const NBSP = '\u00a0';
const KM = 1000;
const WHOLE_KM_FROM = 10 * KM;

export function distanceParts(metres: number): { value: string; unit: 'm' | 'km' } {
  const m = Math.max(0, metres);
  const whole = Math.round(m);
  if (whole < KM) return { value: String(whole), unit: 'm' };
  if (m < WHOLE_KM_FROM - 50) return { value: (m / KM).toFixed(1), unit: 'km' };
  return { value: String(Math.round(m / KM)), unit: 'km' };
}

export function formatDistance(metres: number, lang: string): string {
  const { value, unit } = distanceParts(metres);
  return `${value}${NBSP}${UNITS[lang === 'en' ? 'en' : 'zh'][unit]}`;
}
