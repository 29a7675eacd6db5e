import { useEffect, useState } from 'react';
import { startOutbox, subscribe } from '../../shared/outbox/outbox';
import type { OutboxItem } from '../../shared/outbox/types';

/** The outbox's items, live; starts automatic sending on first use. */
export function useOutbox(): OutboxItem[] {
  const [items, setItems] = useState<OutboxItem[]>([]);
  useEffect(() => {
    startOutbox();
    return subscribe(setItems);
  }, []);
  return items;
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
