import type { Random } from '../../shared/random.js';

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
/** A UUIDv7 for an instant of the synthetic history, so ids sort by time as live ones do. */
export function idAt(ms: number, r: Random): string {
  const t = hex(ms, 12);
  const a = hex(Math.floor(r.next() * 0x1000), 3);
  const b = hex(0x8000 | Math.floor(r.next() * 0x4000), 4);
  const c = hex(Math.floor(r.next() * 0x1000000), 6) + hex(Math.floor(r.next() * 0x1000000), 6);
  return `${t.slice(0, 8)}-${t.slice(8)}-7${a}-${b}-${c}`;
}
