import { z } from 'zod';

/** What a terminal says with its heartbeat: nothing is required; the call itself is the news. */
export const HeartbeatInput = z.strictObject({
  /** The terminal software's version, shown beside its status. */
  appVersion: z.string().trim().min(1).max(40).optional(),
});
export type HeartbeatInput = z.input<typeof HeartbeatInput>;

/** A fault the terminal reports itself: a machine code (the vendor's) and a line of text. */
export const FaultInput = z.strictObject({
  code: z.string().trim().min(1).max(32).regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, dots, dashes and underscores only'),
  text: z.string().trim().min(1).max(500),
  appVersion: z.string().trim().min(1).max(40).optional(),
});
export type FaultInput = z.input<typeof FaultInput>;

/** A session a resident ran on the terminal, reported when it ends (or is abandoned). */
export const SessionInput = z.strictObject({
  /** The terminal's own id for the session, so a report it sends again is stored once. */
  sessionId: z.string().trim().min(8).max(64).regex(/^[A-Za-z0-9_.:-]+$/, 'letters, digits, dots, colons, dashes and underscores only'),
  /** The item's implementation code (or basic code), as in the catalogue. */
  itemCode: z.string().trim().min(1).max(64),
  startedAt: z.iso.datetime({ offset: true }),
  finishedAt: z.iso.datetime({ offset: true }),
  outcome: z.enum(['done', 'abandoned']).default('done'),
});
export type SessionInput = z.input<typeof SessionInput>;
