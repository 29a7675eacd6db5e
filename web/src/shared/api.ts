/** Thin fetch wrapper over the closeloop API and its one error shape. */
export interface FieldError {
  field: string;
  reason: string;
  /** Translatable rule id from the server (required, too_small, …) with its figures. */
  rule?: string;
  params?: Record<string, string | number>;
}
export interface RowError {
  row: number;
  column: string;
  reason: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: unknown,
  ) {
    super(message);
  }
  get fields(): FieldError[] {
    const d = this.details as { fields?: FieldError[] } | null;
    return Array.isArray(d?.fields) ? d.fields : [];
  }
  get rows(): RowError[] {
    const d = this.details as { rows?: RowError[] } | null;
    return Array.isArray(d?.rows) ? d.rows : [];
  }
}

export const SESSION_ENDED_EVENT = 'closeloop:session-ended';

type Query = Record<string, string | number | undefined | null>;

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') qs.set(k, String(v));
  const s = qs.toString();
  return s ? `${path}?${s}` : path;
}

export interface RequestOptions {
  /**
   * Give up after this long (status 0, code `timeout`, as a request that got no answer): a phone
   * on a dying connection can otherwise wait minutes for the network stack to give up.
   */
  timeoutMs?: number;
}

/** One request in the API's conventions: JSON in and out, the one error shape thrown as ApiError. */
export async function request<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}, opts: RequestOptions = {}): Promise<T> {
  const init: RequestInit = { method, credentials: 'same-origin', headers: { ...headers } };
  if (body instanceof FormData) init.body = body;
  else if (body !== undefined) {
    init.body = JSON.stringify(body);
    (init.headers as Record<string, string>)['content-type'] = 'application/json';
  }
  const abort = opts.timeoutMs ? new AbortController() : null;
  const timer = abort ? setTimeout(() => abort.abort(), opts.timeoutMs) : undefined;
  if (abort) init.signal = abort.signal;
  let res: Response;
  let text: string;
  try {
    res = await fetch(path, init);
    text = await res.text();
  } catch (err) {
    if (abort?.signal.aborted) throw new ApiError(0, 'timeout', `no answer within ${opts.timeoutMs} ms`, null);
    throw new ApiError(0, 'network_error', String((err as Error).message), null);
  } finally {
    clearTimeout(timer);
  }
  let data: unknown = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!res.ok) {
    const e = (data as { error?: { code?: string; message?: string; details?: unknown } } | null)?.error;
    // A session that ended (expired, signed out elsewhere) sends the app back to sign-in.
    if (res.status === 401 && e?.code === 'unauthenticated') window.dispatchEvent(new Event(SESSION_ENDED_EVENT));
    throw new ApiError(res.status, e?.code ?? `http_${res.status}`, e?.message ?? res.statusText, e?.details ?? null);
  }
  return data as T;
}

/**
 * Every item of a keyset-paged list (`after` → `nextCursor`), page after page, for the views that
 * need the whole set in scope at once (a map of the city's service points, names by id).
 */
async function getAll<T>(path: string, query: Query = {}): Promise<{ items: T[] }> {
  const items: T[] = [];
  let after: string | null = null;
  do {
    const page: { items: T[]; nextCursor: string | null } = await request('GET', withQuery(path, { ...query, after }));
    items.push(...page.items);
    after = page.nextCursor;
  } while (after);
  return { items };
}

export const api = {
  get: <T>(path: string, query?: Query, opts?: RequestOptions) => request<T>('GET', withQuery(path, query), undefined, {}, opts),
  getAll,
  post: <T>(path: string, body?: unknown, opts?: RequestOptions) => request<T>('POST', path, body ?? {}, {}, opts),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, body),
  upload: <T>(path: string, file: File) => {
    const form = new FormData();
    form.append('file', file);
    return request<T>('POST', path, form);
  },
};
