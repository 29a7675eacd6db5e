import { type DependencyList, useEffect, useRef, useState } from 'react';

export interface KeysetPage<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * A keyset-paged list (the API's `after` cursor): the first page loads whenever `deps` change, and
 * `loadMore()` appends the next one. An answer for earlier deps that arrives late is dropped.
 * `onPage` sees every page (e.g. an unread count that rides along).
 */
export function useKeysetList<T, P extends KeysetPage<T> = KeysetPage<T>>(
  fetchPage: (after?: string) => Promise<P>,
  deps: DependencyList,
  onPage?: (page: P) => void,
) {
  const [items, setItems] = useState<T[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const generation = useRef(0);
  const latest = useRef({ fetchPage, onPage });
  latest.current = { fetchPage, onPage };

  async function load(after?: string) {
    const gen = after ? generation.current : ++generation.current;
    setLoading(true);
    setError(null);
    try {
      const page = await latest.current.fetchPage(after);
      if (gen !== generation.current) return;
      setItems((prev) => (after ? [...prev, ...page.items] : page.items));
      setCursor(page.nextCursor);
      latest.current.onPage?.(page);
    } catch (e) {
      if (gen === generation.current) setError(e);
    } finally {
      if (gen === generation.current) setLoading(false);
    }
  }
  useEffect(() => {
    void load();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);

  return {
    items,
    setItems,
    cursor,
    loading,
    error,
    /** Shows an action's failure where the list's own would show. */
    setError,
    /** Loads the first page again (after a change made here). */
    reload: () => void load(),
    loadMore: () => {
      if (cursor) void load(cursor);
    },
  };
}
