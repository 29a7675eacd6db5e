/**
 * One citizen's visit to a committee's mobile window, as `npm run bench:services` plays it, call by
 * call, each call's latency kept under its name:
 *  - on the public page (no account, the citizen's own address): list the slots, book one, cancel it
 *    by the link; book again;
 *  - at the window (the committee's cadre): find the booking by its code, check it in (its ticket is
 *    issued), issue a walk-in ticket, call next, start, record the service (办件) for it and complete
 *    the record, finish the ticket naming the record; call next, start and finish the other ticket.
 */
import { withCheckDigit } from '../../src/domain/service-records/masking.js';
import type { httpClient } from './http-client.js';

export const CALLS = {
  slots: 'slots (GET /api/public/slots)',
  book: 'book (POST /api/public/appointments)',
  cancel: 'cancel by link (POST …/appointments/:token/cancel)',
  lookup: 'find by code (GET /api/services/appointments?code=)',
  checkIn: 'check in (POST …/appointments/:id/check-in)',
  walkIn: 'walk-in ticket (POST /api/services/queue/tickets)',
  callNext: 'call next (POST /api/services/queue/call-next)',
  start: 'start (POST …/tickets/:id/start)',
  record: 'record a service (POST /api/services/records)',
  complete: 'complete the record (POST …/records/:id/steps)',
  finish: 'finish the ticket (POST …/tickets/:id/finish)',
} as const;
export type CallName = keyof typeof CALLS;

export interface VisitContext {
  client: ReturnType<typeof httpClient>;
  /** The window staff's session cookie. */
  cookie: string;
  pointId: string;
  itemId: string;
  /** The bench day (the server's today) and the session booked. */
  day: string;
  starts: string;
  /** Measures the call (after the warm-up) and answers its JSON; null on an unexpected status. */
  measure: (name: CallName, res: Promise<{ status: number; json: any }>, expect: number) => Promise<any>;
}

/** A citizen's address behind the trusted proxy, and a phone and ID number, all from one running number. */
const citizen = (seq: number) => ({
  headers: { 'x-forwarded-for': `10.${(seq >> 16) & 255}.${(seq >> 8) & 255}.${seq & 255}` },
  phone: `139${String(seq % 100_000_000).padStart(8, '0')}`,
  idNumber: withCheckDigit(`3101051990${String(seq % 10_000_000).padStart(7, '0')}`),
});

export async function visit(ctx: VisitContext, seq: number): Promise<void> {
  const { client, cookie, measure } = ctx;
  const who = citizen(seq);
  const post = (url: string, body: unknown, headers?: Record<string, string>) => client.request('POST', url, { cookie: headers ? undefined : cookie, body, headers });
  const booking = { pointId: ctx.pointId, itemId: ctx.itemId, day: ctx.day, starts: ctx.starts, phone: who.phone, name: '测试' };

  // The public page: slots, book, cancel by the link, book again.
  const slots = await measure('slots', client.request('GET', `/api/public/slots?pointId=${ctx.pointId}&itemId=${ctx.itemId}&days=1`, { headers: who.headers }), 200);
  if (!slots) return;
  const first = await measure('book', post('/api/public/appointments', booking, who.headers), 201);
  if (!first) return;
  if (!(await measure('cancel', post(`/api/public/appointments/${first.token}/cancel`, undefined, who.headers), 200))) return;
  const booked = await measure('book', post('/api/public/appointments', booking, who.headers), 201);
  if (!booked) return;

  // The window: find the booking by its code, check in, a walk-in behind it.
  const found = await measure('lookup', client.request('GET', `/api/services/appointments?code=${booked.appointment.code}`, { cookie }), 200);
  if (!found?.items?.[0]) return;
  if (!(await measure('checkIn', post(`/api/services/appointments/${found.items[0].id}/check-in`, undefined), 200))) return;
  if (!(await measure('walkIn', post('/api/services/queue/tickets', { pointId: ctx.pointId, itemId: ctx.itemId }), 201))) return;

  // First ticket called: served with a record.
  const first1 = await measure('callNext', post('/api/services/queue/call-next', { pointId: ctx.pointId, window: '1号窗口' }), 200);
  if (!first1?.ticket) return;
  if (!(await measure('start', post(`/api/services/queue/tickets/${first1.ticket.id}/start`, undefined), 200))) return;
  const rec = await measure('record', post('/api/services/records', {
    pointId: ctx.pointId, itemId: ctx.itemId, materials: [], ticketId: first1.ticket.id, appointmentId: first1.ticket.appointmentId,
    applicant: { name: '测试', idNumber: who.idNumber, phone: null },
  }), 201);
  if (!rec) return;
  if (!(await measure('complete', post(`/api/services/records/${rec.record.id}/steps`, { version: rec.record.version, action: 'complete', delivery: 'on_site' }), 200))) return;
  if (!(await measure('finish', post(`/api/services/queue/tickets/${first1.ticket.id}/finish`, { recordId: rec.record.id }), 200))) return;

  // Second ticket: called, started, finished.
  const second = await measure('callNext', post('/api/services/queue/call-next', { pointId: ctx.pointId, window: '1号窗口' }), 200);
  if (!second?.ticket) return;
  if (!(await measure('start', post(`/api/services/queue/tickets/${second.ticket.id}/start`, undefined), 200))) return;
  await measure('finish', post(`/api/services/queue/tickets/${second.ticket.id}/finish`, {}), 200);
}
