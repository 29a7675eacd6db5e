import { keptOnPhone } from '../kept-on-phone';

/** The bookings made from this phone (code and link), kept only on the phone. */
export interface MyBooking {
  code: string;
  path: string;
  pointName: string;
  day: string;
  starts: string;
}

const kept = keptOnPhone<MyBooking>('closeloop.public.bookings', (b) => typeof b.path === 'string' && b.path.startsWith('/booking/'), (a, b) => a.code === b.code);
export const myBookings = kept.all;
export const rememberBooking = kept.remember;
