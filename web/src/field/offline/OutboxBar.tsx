import '../../shared/i18n/outbox';
import './offline.css';
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { estimateStorage, outboxBytes, storageWarning, type StorageEstimateLike } from '../../shared/outbox/storage';
import { useOnline, useOutboxView } from './use-outbox';

/**
 * Always-visible strip: offline notice, "N 条待发送", conflicts and needs-attention counts, storage
 * warning. The counts are the signed-in person's (signed out: the last signed-in person's), as the
 * ownership rule says; the storage warning is about the whole phone.
 */
export function OutboxBar() {
  const { t } = useTranslation();
  const { items, all } = useOutboxView();
  const online = useOnline();
  const [estimate, setEstimate] = useState<StorageEstimateLike | null>(null);
  useEffect(() => {
    // Not every WebView has the Storage API; without it only the outbox-size rule warns.
    let live = true;
    void estimateStorage().then((e) => live && setEstimate(e));
    return () => {
      live = false;
    };
  }, [all.length]);
  const warning = storageWarning(estimate, { items: all.length, bytes: outboxBytes(all) });
  const pending = items.filter((i) => i.state === 'pending').length;
  const conflicts = items.filter((i) => i.state === 'conflict').length;
  const attention = items.filter((i) => i.state === 'attention').length;
  const shown = !(online && !items.length && !warning);
  // The strip sticks to the top of the screen, and so does each page's bar (返回/back): the page's
  // bar sticks just below the strip (--m-outbox-h, field.css), never under it.
  const ref = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    const root = document.documentElement.style;
    const el = ref.current;
    if (!el) {
      root.setProperty('--m-outbox-h', '0px');
      return;
    }
    const set = () => root.setProperty('--m-outbox-h', `${el.offsetHeight}px`);
    set();
    if (typeof ResizeObserver === 'undefined') return;
    const seen = new ResizeObserver(set);
    seen.observe(el);
    return () => {
      seen.disconnect();
      root.setProperty('--m-outbox-h', '0px');
    };
  }, [shown]);
  if (!shown) return null;
  return (
    <div className="m-outbox-bar" data-testid="outbox-bar" data-online={online ? '1' : '0'} ref={ref}>
      {!online ? <p className="m-outbox-offline" data-testid="offline-notice">{t('outbox.offline')}</p> : null}
      {items.length ? (
        <Link to="/outbox" className="m-outbox-link" data-testid="outbox-link">
          {pending ? <span data-testid="outbox-count" data-n={pending}>{t('outbox.bar', { n: pending })}</span> : null}
          {conflicts ? <span className="m-outbox-conflict" data-testid="outbox-conflicts" data-n={conflicts}>{t('outbox.barConflict', { n: conflicts })}</span> : null}
          {attention ? <span className="m-outbox-conflict" data-testid="outbox-attention" data-n={attention}>{t('outbox.barAttention', { n: attention })}</span> : null}
        </Link>
      ) : null}
      {warning ? (
        <p className="alert alert-error" data-testid="storage-low" data-kind={warning.kind}>
          {warning.kind === 'quota' ? t('outbox.storageLow', { pct: warning.pct, free: warning.freeMb }) : t('outbox.outboxLarge', { n: warning.items, mb: warning.mb })}
        </p>
      ) : null}
    </div>
  );
}
