import { useCallback, useEffect, useState } from 'react';
import { useSearchParams } from 'react-router-dom';

/**
 * Page filters kept in React state and mirrored into the query string (replace, no history
 * entry). The URL is read once when the page mounts. Updates are functional, so two quick
 * changes never overwrite each other — useSearchParams' setter alone sees stale params while
 * its navigation is still pending in a transition.
 */
export function useUrlState(): [URLSearchParams, (update: (prev: URLSearchParams) => URLSearchParams) => void] {
  const [params, setParams] = useSearchParams();
  const [state, setState] = useState(() => new URLSearchParams(params));
  const update = useCallback((fn: (prev: URLSearchParams) => URLSearchParams) => setState((prev) => fn(new URLSearchParams(prev))), []);
  useEffect(() => {
    if (state.toString() !== params.toString()) setParams(state, { replace: true });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [state]);
  return [state, update];
}

/** An update for useUrlState's setter: one filter set to a value, or dropped from the URL when empty. */
export function withParam(key: string, value: string) {
  return (prev: URLSearchParams) => {
    const p = new URLSearchParams(prev);
    if (value) p.set(key, value);
    else p.delete(key);
    return p;
  };
}
