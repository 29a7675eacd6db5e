import type { Db } from '../../db/index.js';
import type { Actor } from '../auth/actor.js';
import { canSeeCommittee } from '../auth/scope.js';
import type { FeedEvent, FoldedBatch } from './fold-events.js';
import type { ServiceChange } from './service-changes.js';

export interface HubSubscriber {
  actor: Actor;
  /** events this viewer may see, in chain order; called once per published round (dashboards only) */
  deliver?(events: FeedEvent[]): void;
  /**
   * front-office changes this viewer may see (一网通办 board, window screens); null: anything may
   * have changed (the cross-instance feed was disconnected for a while)
   */
  services?(changes: ServiceChange[] | null): void;
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
  /** Per subdistrict, the chain seq of the last event published: an event arriving twice (the
   *  local fold and the cross-instance notification both carry it) is delivered once. */
  private readonly delivered = new Map<string, number>();

  /** The last seq published for a subdistrict (undefined: none yet). */
  deliveredSeq(subdistrictId: string): number | undefined {
    return this.delivered.get(subdistrictId);
  }

  /** Starts a subdistrict's count at `seq` without delivering anything (on start-up). */
  markDelivered(subdistrictId: string, seq: number) {
    if ((this.delivered.get(subdistrictId) ?? -1) < seq) this.delivered.set(subdistrictId, seq);
  }

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
    const events: FeedEvent[] = [];
    for (const b of batches) {
      const last = this.delivered.get(b.subdistrictId) ?? -1;
      const fresh = b.events.filter((e) => e.seq > last);
      if (!fresh.length) continue;
      this.delivered.set(b.subdistrictId, fresh[fresh.length - 1]!.seq);
      events.push(...fresh);
    }
    if (!events.length || !this.subs.size) return;
    for (const s of this.subs) {
      if (!s.deliver) continue;
      const mine = events.filter((e) => canSeeCommittee(s.actor, e.subdistrictId, e.committeeId));
      if (!mine.length) continue;
      try {
        s.deliver(mine);
      } catch {
        this.subs.delete(s);
      }
    }
  }

  /** Front-office changes to the viewers whose scope covers them (a committee's point: that committee's and the subdistrict's viewers). */
  announceServices(changes: ServiceChange[]) {
    for (const s of this.subs) {
      if (!s.services) continue;
      const mine = changes.filter((c) => canSeeCommittee(s.actor, c.subdistrictId, c.committeeId));
      if (!mine.length) continue;
      try {
        s.services(mine);
      } catch {
        this.subs.delete(s);
      }
    }
  }

  /** Every front-office viewer refreshes (changes may have been missed while the feed was down). */
  resyncServices() {
    for (const s of this.subs) {
      try {
        s.services?.(null);
      } catch {
        this.subs.delete(s);
      }
    }
  }
}

/** Keyed by the handle's adapter, which a transaction shares with its database: hubFor(trx) is hubFor(db). */
const hubs = new WeakMap<object, DashboardHub>();

/** The hub of a database handle (the job, the stream routes and SQLite's change announcements share it within one process). */
export function hubFor(db: Db): DashboardHub {
  const key = db.getExecutor().adapter;
  let h = hubs.get(key);
  if (!h) {
    h = new DashboardHub();
    hubs.set(key, h);
  }
  return h;
}
