/**
 * A short list kept only on this phone (localStorage): the citizen's own links (report tracking,
 * bookings), newest first, at most `max`, entries that fail `valid` dropped.
 */
export function keptOnPhone<T>(key: string, valid: (x: T) => boolean, same: (a: T, b: T) => boolean, max = 10) {
  const all = (): T[] => {
    try {
      const v = JSON.parse(localStorage.getItem(key) ?? '[]') as unknown;
      return Array.isArray(v) ? (v as T[]).filter((x) => x && valid(x)) : [];
    } catch {
      return [];
    }
  };
  const remember = (x: T) => {
    try {
      localStorage.setItem(key, JSON.stringify([x, ...all().filter((y) => !same(x, y))].slice(0, max)));
    } catch {
      /* private mode: the link on screen is all there is */
    }
  };
  /** Drops the entries matching `drop` (a cancelled booking no longer belongs in the list). */
  const forget = (drop: (x: T) => boolean) => {
    try {
      localStorage.setItem(key, JSON.stringify(all().filter((y) => !drop(y))));
    } catch {
      /* private mode: nothing was kept */
    }
  };
  return { all, remember, forget };
}
