import { useEffect, useState } from 'react';
import { useAuth } from '../../shared/auth';
import { setOutboxOwner, startOutbox, subscribe } from '../../shared/outbox/outbox';
import { outboxView } from '../../shared/outbox/owner';
import type { OutboxItem } from '../../shared/outbox/types';

/** Every action kept on the phone, whoever's, live; starts automatic sending on first use. */
export function useOutboxItems(): OutboxItem[] {
  const [items, setItems] = useState<OutboxItem[]>([]);
  useEffect(() => {
    startOutbox();
    return subscribe(setItems);
  }, []);
  return items;
}

export interface OutboxViewState {
  /** The actions this phone may show: the signed-in person's, else the last signed-in person's. */
  items: OutboxItem[];
  /** How many actions of someone else also wait here (never shown, never sent in this session). */
  others: number;
  /** Nobody's session is confirmed: the actions are shown, not changed or sent. */
  readOnly: boolean;
  /**
   * The last person's session ended (signed out, or refused by the server): the phone may be in
   * someone else's hands, so `items` are only counted and named, never shown. Shown read-only
   * only while the server is out of reach of a session nobody ended.
   */
  hidden: boolean;
  /** Whose actions `items` are. */
  ownerName: string | null;
  /** Every action on the phone (the storage warning is about the phone, not the person). */
  all: OutboxItem[];
}

/** The outbox as the ownership rule (shared/outbox/owner.ts) lets this phone show it now. */
export function useOutboxView(): OutboxViewState {
  const all = useOutboxItems();
  const { status, me, lastUser } = useAuth();
  const signedIn = status === 'signedIn' && !!me;
  const viewer = signedIn ? me.user.id : (lastUser?.id ?? null);
  const { mine, others } = outboxView(all, viewer);
  const hidden = !signedIn && !(status === 'unreachable' && lastUser && !lastUser.ended);
  return { items: mine, others, readOnly: !signedIn, hidden, ownerName: signedIn ? me.user.displayName : (lastUser?.displayName ?? null), all };
}

/** Tells the outbox whose session is confirmed; mounted once, in the field app's shell. */
export function useOutboxOwner() {
  const { status, me } = useAuth();
  const id = status === 'signedIn' && me ? me.user.id : null;
  useEffect(() => {
    void setOutboxOwner(id);
  }, [id]);
}

export function useOnline(): boolean {
  const [online, setOnline] = useState(typeof navigator === 'undefined' ? true : navigator.onLine);
  useEffect(() => {
    const on = () => setOnline(true);
    const off = () => setOnline(false);
    window.addEventListener('online', on);
    window.addEventListener('offline', off);
    return () => {
      window.removeEventListener('online', on);
      window.removeEventListener('offline', off);
    };
  }, []);
  return online;
}
