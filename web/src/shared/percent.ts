/**
 * `part` of `whole` as a percentage to one decimal, rounded down, worked out on the integers: a
 * ranking never shows 100.0 % for 999 of 1,000, and 57 of 100 is 57.0 % (`0.57 * 1000` is
 * 569.999… in floating point, so flooring a ratio would show 56.9 %). '—' when there is no whole.
 */
export function floorPercent(part: number, whole: number): string {
  if (!whole) return '—';
  const tenths = Math.floor((part * 1000) / whole);
  return `${Math.floor(tenths / 10)}.${tenths % 10}%`;
}
