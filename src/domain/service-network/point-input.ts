import { z } from 'zod';
import { POINT_KINDS, POINT_STATUSES } from '../../db/schema.js';
import { CHINA_BOUNDS } from '../cases/case-input.js';
import { CalendarDay } from '../calendar/day-schema.js';

const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM');
const id = z.string().min(1).max(64);

export const SessionInput = z
  .strictObject({ weekday: z.number().int().min(1).max(7), starts: HHMM, ends: HHMM, capacity: z.number().int().min(0).max(1000) })
  .refine((s) => s.starts < s.ends, { path: ['ends'], message: 'must be after starts' });
export type SessionInput = z.input<typeof SessionInput>;

/**
 * A point's week: the sessions of one weekday neither share a start nor overlap (a booking names
 * its session by weekday and start, so a second session at one start could never be booked).
 */
const Sessions = z
  .array(SessionInput)
  .max(50)
  .superRefine((list, ctx) => {
    list.forEach((s, j) => {
      const clash = list.findIndex((o, i) => i < j && o.weekday === s.weekday && o.starts < s.ends && s.starts < o.ends);
      if (clash >= 0) ctx.addIssue({ code: 'custom', path: [j], message: 'overlaps another session of the same weekday' });
    });
  });

export const PointInput = z.strictObject({
  subdistrictId: id,
  committeeId: id.nullable().default(null),
  gridId: id.nullable().default(null),
  kind: z.enum(POINT_KINDS),
  code: z.string().trim().min(2).max(40).regex(/^[0-9A-Za-z-]+$/, 'letters, digits and dashes only'),
  name: z.string().trim().min(1).max(200),
  building: z.string().trim().min(1).max(200).nullable().default(null),
  address: z.string().trim().min(1).max(300),
  lng: z.number().min(CHINA_BOUNDS.minLng, 'outside China').max(CHINA_BOUNDS.maxLng, 'outside China'),
  lat: z.number().min(CHINA_BOUNDS.minLat, 'outside China').max(CHINA_BOUNDS.maxLat, 'outside China'),
  phone: z.string().trim().max(40).nullable().default(null),
  staffed: z.boolean(),
  status: z.enum(POINT_STATUSES).default('planned'),
  plannedOn: CalendarDay.nullable().default(null),
  /** When a planned point is due to open (e.g. the year's end for the grid plan). */
  targetOn: CalendarDay.nullable().default(null),
  builtOn: CalendarDay.nullable().default(null),
  sessions: Sessions.default([]),
  itemIds: z.array(id).max(500).default([]),
  staffIds: z.array(id).max(100).default([]),
});
export type PointInput = z.input<typeof PointInput>;

export const PointStatusInput = z.strictObject({
  version: z.number().int().positive(),
  status: z.enum(['built', 'closed']),
  on: CalendarDay,
});
export type PointStatusInput = z.input<typeof PointStatusInput>;

export const PointOfferInput = z.strictObject({
  version: z.number().int().positive(),
  sessions: Sessions.optional(),
  itemIds: z.array(id).max(500).optional(),
  staffIds: z.array(id).max(100).optional(),
});
export type PointOfferInput = z.input<typeof PointOfferInput>;

export const GridInput = z.strictObject({
  subdistrictId: id,
  code: z.string().trim().min(2).max(40).regex(/^[0-9A-Za-z-]+$/, 'letters, digits and dashes only'),
  name: z.string().trim().min(1).max(100),
  lng: z.number().min(CHINA_BOUNDS.minLng, 'outside China').max(CHINA_BOUNDS.maxLng, 'outside China'),
  lat: z.number().min(CHINA_BOUNDS.minLat, 'outside China').max(CHINA_BOUNDS.maxLat, 'outside China'),
});
export type GridInput = z.input<typeof GridInput>;
