/** The reports sent from this phone (number and tracking path), kept only on the phone. */
export interface MyReport {
  number: string;
  trackPath: string;
  at: string;
}

const KEY = 'closeloop.public.reports';
const MAX = 10;

export function myReports(): MyReport[] {
  try {
    const v = JSON.parse(localStorage.getItem(KEY) ?? '[]') as unknown;
    return Array.isArray(v) ? (v as MyReport[]).filter((r) => typeof r?.trackPath === 'string' && r.trackPath.startsWith('/report/t/')) : [];
  } catch {
    return [];
  }
}

export function rememberReport(r: MyReport) {
  try {
    localStorage.setItem(KEY, JSON.stringify([r, ...myReports().filter((x) => x.number !== r.number)].slice(0, MAX)));
  } catch {
    /* private mode: the link on screen is all there is */
  }
}
