/// <reference lib="dom" />
import type { Page } from 'playwright-core';

/**
 * What the phone shows and holds, in one line, for a failing outbox step: the address, the strip
 * at the top (online flag, counts, storage warning), the page's title, and each action in
 * IndexedDB with its state and last error — so a failure says what happened, not only "timeout".
 */
export async function outboxDiagnosis(page: Page): Promise<string> {
  const seen = await page
    .evaluate(async () => {
      const bar = document.querySelector('[data-testid=outbox-bar]');
      const n = (id: string) => document.querySelector(`[data-testid=${id}]`)?.getAttribute('data-n') ?? '-';
      const items = await new Promise<unknown[]>((ok) => {
        const open = indexedDB.open('closeloop-outbox');
        open.onerror = () => ok([`indexedDB: ${String(open.error)}`]);
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains('actions')) return ok([]);
          const all = db.transaction('actions', 'readonly').objectStore('actions').getAll();
          all.onsuccess = () =>
            ok(
              (all.result as { seq: number; label: string; state: string; attempts: number; lastError: { code?: string } | null }[]).map(
                (i) => `#${i.seq} ${i.label} ${i.state} attempts=${i.attempts}${i.lastError ? ` error=${i.lastError.code}` : ''}`,
              ),
            );
          all.onerror = () => ok([`getAll: ${String(all.error)}`]);
        };
      });
      return {
        bar: bar ? `online=${bar.getAttribute('data-online')} pending=${n('outbox-count')} conflicts=${n('outbox-conflicts')} attention=${n('outbox-attention')} storage=${document.querySelector('[data-testid=storage-low]')?.getAttribute('data-kind') ?? '-'}` : 'none',
        title: document.querySelector('h1')?.textContent ?? '',
        onLine: navigator.onLine,
        items,
      };
    })
    .catch((e: unknown) => ({ error: String(e) }));
  return `url=${page.url()} ${JSON.stringify(seen)}`;
}

/** Awaits `step`; if it fails, fails with `what` and the phone's outbox as it was then. */
export async function explained<T>(page: Page, what: string, step: Promise<T>): Promise<T> {
  try {
    return await step;
  } catch (e) {
    throw new Error(`${what}: ${(e as Error).message.split('\n')[0]}\n  phone: ${await outboxDiagnosis(page)}`);
  }
}
