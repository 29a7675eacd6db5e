import { PHOTO_TOKEN_PREFIX } from './rules.js';
import type { OutboxPhoto } from './types.js';

/** Photos taken while the upload could not happen, by token, until their action is captured. */
const pending = new Map<string, OutboxPhoto>();

export function keepPendingPhoto(p: OutboxPhoto) {
  pending.set(p.token, p);
}

/** The pending photos a body refers to (by their placeholder tokens). */
export function photosIn(body: unknown): OutboxPhoto[] {
  const json = JSON.stringify(body ?? null);
  const found: OutboxPhoto[] = [];
  for (const m of json.matchAll(new RegExp(`"(${PHOTO_TOKEN_PREFIX}[0-9a-f-]+)"`, 'g'))) {
    const p = pending.get(m[1] as string);
    if (p && !found.includes(p)) found.push(p);
  }
  return found;
}
