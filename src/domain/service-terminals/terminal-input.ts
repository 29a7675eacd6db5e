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
