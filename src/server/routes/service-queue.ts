import { z } from 'zod';
import { APPOINTMENT_STATUSES, TICKET_STATUSES } from '../../db/schema.js';
import { APPOINTMENTS_PAGE_DEFAULT, APPOINTMENTS_PAGE_MAX, checkIn, listAppointments } from '../../domain/service-queue/appointments.js';
import { CalendarDay } from '../../domain/calendar/day-schema.js';
import { CallNextInput, FinishInput, RecallInput, SwitchItemInput, WalkInInput } from '../../domain/service-queue/queue-input.js';
import { switchTicketItem, ticketItemChanges } from '../../domain/service-queue/switch-item.js';
import { recallTicket as recall } from '../../domain/service-queue/recall.js';
import { callNext, issueWalkIn, listTickets, stepTicket, TICKETS_PAGE_DEFAULT, TICKETS_PAGE_MAX } from '../../domain/service-queue/tickets.js';
import { FIGURES_PAGE_DEFAULT, FIGURES_PAGE_MAX, waitingFigures } from '../../domain/service-queue/waiting-figures.js';
import { def } from '../route.js';
import { pageQuery } from './paging.js';

const Id = z.string().min(1).max(64);
const tags = ['services'];

export const appointments = def({
  schema: {
    tags, summary: 'Appointments of a day (default today) in my scope, in slot order, in pages (after → nextCursor); or the one with a booking code',
    querystring: z.strictObject({
      pointId: Id.optional(), day: CalendarDay.optional(), status: z.enum(APPOINTMENT_STATUSES).optional(),
      code: z.string().trim().regex(/^[A-Za-z0-9]{4,12}$/, 'not a booking code').optional(),
      ...pageQuery(APPOINTMENTS_PAGE_MAX, APPOINTMENTS_PAGE_DEFAULT),
    }),
  },
  handler: async ({ req, deps, actor }) => {
    const { after, limit, ...filter } = req.query;
    return listAppointments(deps.db, deps.clock, actor, filter, { after, limit });
  },
});
export const checkInRoute = def({
  schema: { tags, summary: 'Check a booked citizen in (window staff of the point); issues the queue ticket', params: z.strictObject({ id: Id }) },
  handler: async ({ req, deps, actor }) => deps.db.transaction().execute((trx) => checkIn(trx, deps.clock, actor, req.params.id)),
});
export const tickets = def({
  schema: {
    tags,
    summary: 'Queue tickets of a day (default today) in my scope, in pages by point and order of issue (after → nextCursor): '
      + 'the waiting ones in the order they will be called, then the others',
    querystring: z.strictObject({
      pointId: Id.optional(), day: CalendarDay.optional(), status: z.enum(TICKET_STATUSES).optional(),
      ...pageQuery(TICKETS_PAGE_MAX, TICKETS_PAGE_DEFAULT),
    }),
  },
  handler: async ({ req, deps, actor }) => {
    const { after, limit, ...filter } = req.query;
    return listTickets(deps.db, deps.clock, actor, filter, { after, limit });
  },
});
export const walkIn = def({
  schema: { tags, summary: 'Issue a walk-in ticket for an item at a point (prefix by the item\'s category)', body: WalkInInput },
  handler: async ({ req, reply, deps, actor }) => {
    const out = await deps.db.transaction().execute((trx) => issueWalkIn(trx, deps.clock, actor, req.body));
    reply.status(201);
    return out;
  },
});
export const callNextRoute = def({
  schema: { tags, summary: 'Call the next ticket by the queue order rule (null when nobody waits)', body: CallNextInput },
  handler: async ({ req, deps, actor }) => ({ ticket: await deps.db.transaction().execute((trx) => callNext(trx, deps.clock, actor, req.body)) }),
});
export const startTicket = def({
  schema: { tags, summary: 'Start serving a called ticket', params: z.strictObject({ id: Id }) },
  handler: async ({ req, deps, actor }) => deps.db.transaction().execute((trx) => stepTicket(trx, deps.clock, actor, req.params.id, 'start')),
});
export const finishTicket = def({
  schema: { tags, summary: 'Finish serving a ticket, optionally naming the service record made for it', params: z.strictObject({ id: Id }), body: FinishInput.optional() },
  handler: async ({ req, deps, actor }) => deps.db.transaction().execute((trx) => stepTicket(trx, deps.clock, actor, req.params.id, 'finish', req.body ?? {})),
});
export const skipTicket = def({
  schema: { tags, summary: 'Skip a called ticket nobody answered (no-show at the window)', params: z.strictObject({ id: Id }) },
  handler: async ({ req, deps, actor }) => deps.db.transaction().execute((trx) => stepTicket(trx, deps.clock, actor, req.params.id, 'skip')),
});
export const recallTicket = def({
  schema: { tags, summary: 'Call a skipped ticket again, the same day, when its holder comes back (过号重呼); it becomes this window\'s current ticket', params: z.strictObject({ id: Id }), body: RecallInput.optional() },
  handler: async ({ req, deps, actor }) => deps.db.transaction().execute((trx) => recall(trx, deps.clock, actor, req.params.id, req.body ?? {})),
});
export const switchItem = def({
  schema: {
    tags, summary: 'Switch a called or started ticket to another item the point offers (the applicant needs another one); the switch is kept as an event on the ticket',
    params: z.strictObject({ id: Id }), body: SwitchItemInput,
  },
  handler: async ({ req, deps, actor }) => deps.db.transaction().execute((trx) => switchTicketItem(trx, deps.clock, actor, req.params.id, req.body)),
});
export const itemChanges = def({
  schema: { tags, summary: 'The switches of a ticket\'s item, in order: who, when, from, to', params: z.strictObject({ id: Id }) },
  handler: async ({ req, deps, actor }) => ticketItemChanges(deps.db, actor, req.params.id),
});
export const figures = def({
  schema: {
    tags, summary: 'Waiting (called − issued) and service (finished − started) times per point, item and day: median, p90, counts; paged by point (`limit` points after the point `after`, `nextCursor` while more follow)',
    querystring: z.strictObject({
      from: CalendarDay.optional(), to: CalendarDay.optional(), pointId: Id.optional(), itemId: Id.optional(), subdistrictId: Id.optional(),
      after: Id.optional(), limit: z.coerce.number().int().min(1).max(FIGURES_PAGE_MAX).default(FIGURES_PAGE_DEFAULT),
    }),
  },
  handler: async ({ req, deps, actor }) => waitingFigures(deps.db, deps.clock, actor, req.query),
});
