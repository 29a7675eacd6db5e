import type { Db } from '../../db/index.js';
import type { Actor } from '../auth/actor.js';
import { canSeeCommittee } from '../auth/scope.js';
import type { FeedEvent, FoldedBatch } from './fold-events.js';

export interface HubSubscriber {
  actor: Actor;
  /** events this viewer may see, in chain order; called once per published round */
  deliver(events: FeedEvent[]): void;
  /** ends the viewer's connection (server shutting down) */
  close(): void;
}

/**
 * In-process fan-out of folded events to open dashboards. The rollup job publishes after each
 * committed batch, so a dashboard never hears of an event whose figures are not yet in the
 * rollups. Each viewer gets only the events of committees it may see.
 */
export class DashboardHub {
  private readonly subs = new Set<HubSubscriber>();

  subscribe(s: HubSubscriber): () => void {
    this.subs.add(s);
    return () => this.subs.delete(s);
  }

  /** Ends every open stream (the server is closing). */
  closeAll() {
    for (const s of [...this.subs]) s.close();
    this.subs.clear();
  }

  get size() {
    return this.subs.size;
  }

  publish(batches: FoldedBatch[]) {
    if (!batches.length || !this.subs.size) return;
    const events = batches.flatMap((b) => b.events);
    for (const s of this.subs) {
      const mine = events.filter((e) => canSeeCommittee(s.actor, e.subdistrictId, e.committeeId));
      if (!mine.length) continue;
      try {
        s.deliver(mine);
      } catch {
        this.subs.delete(s);
      }
    }
  }
}

const hubs = new WeakMap<Db, DashboardHub>();

/** The hub of a database handle (the job and the stream route share it within one process). */
export function hubFor(db: Db): DashboardHub {
  let h = hubs.get(db);
  if (!h) {
    h = new DashboardHub();
    hubs.set(db, h);
  }
  return h;
}
