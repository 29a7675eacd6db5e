import { z } from 'zod';
import { BookingInput } from '../../domain/service-queue/queue-input.js';
import { bookAppointment, cancelAppointment, viewAppointment } from '../../domain/service-queue/appointments.js';
import { BOOKING_HORIZON_DAYS, listSlots } from '../../domain/service-queue/slots.js';
import { servicesLimit } from '../services-rate-limit.js';
import { def } from '../route.js';

const Id = z.string().min(1).max(64);
const Token = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, 'not a valid link');
const tags = ['services-public'];

export const slots = def({
  access: 'public',
  schema: {
    tags, summary: 'Bookable slots of an item at a point for the coming days (capacity, booked, left)',
    querystring: z.strictObject({ pointId: Id, itemId: Id, days: z.coerce.number().int().min(1).max(BOOKING_HORIZON_DAYS).optional() }),
  },
  handler: async ({ req, deps }) => {
    await servicesLimit(deps, req, 'slots');
    return listSlots(deps.db, deps.clock, req.query);
  },
});
export const book = def({
  access: 'public',
  schema: { tags, summary: 'Book a slot (no account, phone first); answers the booking code and, once, the link token to view or cancel it', body: BookingInput },
  handler: async ({ req, reply, deps }) => {
    await servicesLimit(deps, req, 'book');
    const out = await deps.db.transaction().execute((trx) => bookAppointment(trx, deps.clock, req.body));
    reply.status(201);
    return out;
  },
});
export const appointment = def({
  access: 'public',
  schema: { tags, summary: 'A booking seen through its link (name and phone masked)', params: z.strictObject({ token: Token }) },
  handler: async ({ req, deps }) => {
    await servicesLimit(deps, req, 'appointment');
    return viewAppointment(deps.db, deps.clock, req.params.token);
  },
});
export const cancel = def({
  access: 'public',
  schema: { tags, summary: 'Cancel a booking through its link, before its session begins', params: z.strictObject({ token: Token }) },
  handler: async ({ req, deps }) => {
    await servicesLimit(deps, req, 'cancel');
    return deps.db.transaction().execute((trx) => cancelAppointment(trx, deps.clock, req.params.token));
  },
});
