/** The site filters live in the URL (?q=&kind=…) so they survive reloads and feed the export link. */
export interface SiteFilterValues {
  q: string;
  subdistrictId: string;
  committeeId: string;
  kind: string;
  status: string;
}

const KEYS: (keyof SiteFilterValues)[] = ['q', 'subdistrictId', 'committeeId', 'kind', 'status'];

export function readFilter(params: URLSearchParams): SiteFilterValues {
  const get = (k: string) => params.get(k) ?? '';
  return { q: get('q'), subdistrictId: get('subdistrictId'), committeeId: get('committeeId'), kind: get('kind'), status: get('status') || 'active' };
}

/** Query for the API: only the set values. */
export function filterQuery(f: SiteFilterValues): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of KEYS) if (f[k]) out[k] = f[k];
  return out;
}

export function toParams(f: SiteFilterValues): URLSearchParams {
  const p = new URLSearchParams(filterQuery(f));
  if (p.get('status') === 'active') p.delete('status');
  return p;
}
