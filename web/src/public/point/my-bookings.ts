import { keptOnPhone } from '../kept-on-phone';

/** The bookings made from this phone (code and link), kept only on the phone. */
export interface MyBooking {
  code: string;
  path: string;
  pointName: string;
  day: string;
  starts: string;
  /** The item booked (kept since the list is shown on the point page; older entries lack it). */
  itemName?: string | null;
  itemNameEn?: string | null;
}

const kept = keptOnPhone<MyBooking>('closeloop.public.bookings', (b) => typeof b.path === 'string' && b.path.startsWith('/booking/'), (a, b) => a.code === b.code);
export const myBookings = kept.all;
export const rememberBooking = kept.remember;
/** Forgets a booking cancelled from this phone (by its link). */
export const forgetBooking = (path: string) => kept.forget((b) => b.path === path);
