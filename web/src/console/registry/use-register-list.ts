import { useState } from 'react';
import { api } from '../../shared/api';
import type { Page } from '../../shared/types';
import { useKeysetList } from '../../shared/use-keyset-list';

/**
 * A register's list as the API pages it (`limit`, `after`): the first page again whenever the
 * filter query changes or after an import, the next one on "load more". `loaded` says an answer
 * has come (so "nothing found" is not said before), `total` is the count the API gives.
 */
export function useRegisterList<T>(path: string, query: Record<string, string>, pageSize: number) {
  const [last, setLast] = useState<Page<T> | null>(null);
  const list = useKeysetList<T, Page<T>>(
    (after) => api.get<Page<T>>(path, { ...query, limit: pageSize, after }),
    [path, JSON.stringify(query)],
    setLast,
  );
  return { ...list, loaded: last !== null, total: last?.total };
}
