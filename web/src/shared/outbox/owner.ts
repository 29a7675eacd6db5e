import type { OutboxItem } from './types.js';

/**
 * THE ownership rule of the outbox, a security rule (a phone may be handed to a colleague):
 *
 * - An action kept on the phone belongs to the person signed in when it was captured (`owner`,
 *   their user id). A phone session that is not confirmed (signed out, or the server cannot be
 *   reached) captures nothing.
 * - Only while that person's session is confirmed is it sent, amended, retried or discarded.
 *   Sent with anyone else's session it would be recorded as their work (and under their scope).
 * - Another person signed in on the same phone never sees what it is: they see only how many
 *   actions of someone else wait here, so they do not wipe the phone, and never send them.
 * - Signed out, or with the server out of reach, the phone keeps showing the LAST signed-in
 *   person's actions, read-only: saved work is never out of sight, and nothing is changed or sent
 *   until that person's session is confirmed again.
 * - An action kept by an app version from before owners (no `owner`) goes to the first session
 *   the server confirms: that version sent every kept action with whatever session it had.
 */
export function ownedBy(item: OutboxItem, userId: string | null): boolean {
  return userId !== null && item.owner === userId;
}

/** What `viewer` may see of the outbox: their own actions, and only the number of anyone else's. */
export function outboxView(items: OutboxItem[], viewer: string | null): { mine: OutboxItem[]; others: number } {
  const mine = items.filter((i) => ownedBy(i, viewer));
  return { mine, others: items.length - mine.length };
}

/** The actions from before owners, given to the first confirmed session. */
export function unowned(items: OutboxItem[]): OutboxItem[] {
  return items.filter((i) => i.owner == null);
}
