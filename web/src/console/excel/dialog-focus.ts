import { type RefObject, useEffect, useRef } from 'react';

const FOCUSABLE = 'button:not([disabled]), a[href], input:not([disabled]):not([type=hidden]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/**
 * Keyboard behaviour of a modal dialog (WAI-ARIA dialog pattern): focus moves into it when it opens
 * and whenever its content changes (`step`), Tab and Shift+Tab cycle inside it, Escape closes it
 * (unless `canClose` is false), and on closing focus returns to `returnTo` — the control that
 * opened it, which may have been disabled (and so lost focus) while the dialog's content loaded.
 */
export function useDialogFocus(dialog: RefObject<HTMLElement | null>, opts: { step: string; canClose: boolean; onClose(): void; returnTo: RefObject<HTMLElement | null> }) {
  const latest = useRef(opts);
  latest.current = opts;

  useEffect(() => {
    const el = dialog.current;
    if (!el) return;
    const focusables = () => [...el.querySelectorAll<HTMLElement>(FOCUSABLE)];
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        if (latest.current.canClose) latest.current.onClose();
        return;
      }
      if (e.key !== 'Tab') return;
      const f = focusables();
      const first = f[0];
      const last = f[f.length - 1];
      if (!first || !last) return e.preventDefault();
      if (e.shiftKey && (document.activeElement === first || !el.contains(document.activeElement))) {
        e.preventDefault();
        last.focus();
      } else if (!e.shiftKey && (document.activeElement === last || !el.contains(document.activeElement))) {
        e.preventDefault();
        first.focus();
      }
    };
    // On the document: focus that fell to <body> (a button disabled while busy) is caught too.
    document.addEventListener('keydown', onKey);
    const returnTo = latest.current.returnTo;
    return () => {
      document.removeEventListener('keydown', onKey);
      returnTo.current?.focus();
    };
  }, [dialog]);

  useEffect(() => {
    const el = dialog.current;
    if (el && (!el.contains(document.activeElement) || document.activeElement === el)) (el.querySelector<HTMLElement>(FOCUSABLE) ?? el).focus();
  }, [dialog, opts.step]);
}
