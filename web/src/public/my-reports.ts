import { keptOnPhone } from './kept-on-phone';

/** The reports sent from this phone (number and tracking path), kept only on the phone. */
export interface MyReport {
  number: string;
  trackPath: string;
  at: string;
}

const kept = keptOnPhone<MyReport>('closeloop.public.reports', (r) => typeof r.trackPath === 'string' && r.trackPath.startsWith('/report/t/'), (a, b) => a.number === b.number);
export const myReports = kept.all;
export const rememberReport = kept.remember;
