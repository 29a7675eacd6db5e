import '../i18n/dates';
import './date-input.css';
import { lazy, Suspense, useEffect, useId, useRef, useState } from 'react';
import { flushSync } from 'react-dom';
import { useTranslation } from 'react-i18next';
import { type DateKind, displayValue, mayGrow, parseInput } from './parse';

// The month grid and hour/minute lists load on first use: most visits type or never open them.
const Picker = lazy(() => import('./DatePicker'));

export interface DateInputProps {
  /** '' or the canonical value: "2026-12-05", "16:00" or "2026-12-05T16:00" (Shanghai wall time). */
  value: string;
  onChange(value: string): void;
  name?: string;
  id?: string;
  required?: boolean;
  disabled?: boolean;
  /** Class of the text input (m-input on the phone). */
  className?: string;
  'aria-label'?: string;
  'data-testid'?: string;
}

/**
 * A date, time or date-and-time field that shows and accepts the Chinese form (2026-12-05 16:00,
 * 24-hour) in both languages and whatever the browser's locale, unlike the native inputs. Typing
 * is lenient (2026/12/5, 20261205, 16时05分); the picker is a thumb-sized month grid with hour and
 * minute lists. The form gets a value only when the text is a real date; anything else shows an
 * error in the current language, leaves the value empty and keeps the form from submitting.
 */
function DateField({ kind, value, onChange, name, id, required, disabled, className, 'aria-label': ariaLabel, 'data-testid': testId }: DateInputProps & { kind: DateKind }) {
  const { t } = useTranslation();
  const [text, setText] = useState(() => displayValue(kind, value));
  const [error, setError] = useState(false);
  const [open, setOpen] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const sent = useRef(value);
  const errorId = useId();

  // A value set from outside (a reset, the URL, a default) replaces what is shown.
  useEffect(() => {
    if (value !== sent.current) {
      sent.current = value;
      setText(displayValue(kind, value));
      setError(false);
    }
  }, [value, kind]);

  // Focus returns to the button once the picker has closed (inside the open modal it cannot).
  const wasOpen = useRef(false);
  useEffect(() => {
    if (wasOpen.current && !open) button.current?.focus();
    wasOpen.current = open;
  }, [open]);

  const send = (v: string) => {
    sent.current = v;
    if (v !== value) onChange(v);
  };

  /** Settles the typed text: true when it is empty or a real date (sent to the form), false otherwise. */
  const settle = (raw: string): boolean => {
    if (!raw.trim()) {
      send('');
      setError(false);
      return true;
    }
    const v = parseInput(kind, raw);
    setError(!v);
    // Not a date: the form holds no value (a save button that needs one stays off), the text stays to be corrected.
    send(v ?? '');
    if (v) setText(displayValue(kind, v));
    return !!v;
  };

  // A submit with unsettled text: settle it first (synchronously, so the form's handler sees the
  // value), or stop the submit when the text is not a date. This listener on the form runs before
  // React's, which listens at the root.
  const settleRef = useRef(settle);
  settleRef.current = settle;
  useEffect(() => {
    const form = input.current?.form;
    if (!form) return;
    const onSubmit = (e: Event) => {
      let ok = true;
      flushSync(() => { ok = settleRef.current(input.current?.value ?? ''); });
      if (!ok) {
        e.preventDefault();
        e.stopPropagation();
        input.current?.focus();
      }
    };
    form.addEventListener('submit', onSubmit);
    return () => form.removeEventListener('submit', onSubmit);
  }, []);

  const type = (raw: string) => {
    setText(raw);
    if (!raw.trim()) return settle(raw);
    const v = parseInput(kind, raw);
    // Sent as soon as it is complete; "2026-12-1" waits, it may become 2026-12-15.
    if (v && !mayGrow(kind, raw)) {
      send(v);
      setError(false);
    }
  };

  const pick = (v: string) => {
    setOpen(false);
    setText(displayValue(kind, v));
    setError(false);
    send(v);
  };

  return (
    <span className="date-input">
      <span className="date-input-row">
        <input
          ref={input}
          type="text"
          className={className}
          inputMode="numeric"
          autoComplete="off"
          spellCheck={false}
          id={id}
          name={name}
          value={text}
          required={required}
          disabled={disabled}
          placeholder={t(`dates.placeholder.${kind}`)}
          aria-label={ariaLabel}
          aria-invalid={error || undefined}
          aria-describedby={error ? errorId : undefined}
          onChange={(e) => type(e.target.value)}
          onBlur={(e) => settle(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'ArrowDown' && e.altKey) {
              e.preventDefault();
              setOpen(true);
            }
          }}
          data-testid={testId}
          data-value={value}
        />
        <button
          ref={button}
          type="button"
          className="date-input-open"
          disabled={disabled}
          aria-label={t(`dates.open.${kind}`)}
          aria-haspopup="dialog"
          aria-expanded={open}
          onClick={() => setOpen(true)}
          data-testid={testId ? `${testId}-pick` : undefined}
        >
          <svg viewBox="0 0 20 20" width="20" height="20" aria-hidden="true" focusable="false">
            {kind === 'time'
              ? <path d="M10 2a8 8 0 1 0 0 16 8 8 0 0 0 0-16zm0 2v6l4 2" fill="none" stroke="currentColor" strokeWidth="1.8" />
              : <path d="M3 5h14v12H3zM3 8.5h14M7 3v4M13 3v4" fill="none" stroke="currentColor" strokeWidth="1.8" />}
          </svg>
        </button>
      </span>
      {error ? <small className="field-error" id={errorId} role="alert" data-testid={testId ? `${testId}-error` : undefined}>{t(`dates.invalid.${kind}`)}</small> : null}
      {open ? (
        <Suspense fallback={null}>
          <Picker
            kind={kind}
            value={parseInput(kind, text) ?? value}
            clearable={!required}
            onPick={pick}
            onClose={() => setOpen(false)}
          />
        </Suspense>
      ) : null}
    </span>
  );
}

export function DateInput(props: DateInputProps) {
  return <DateField kind="date" {...props} />;
}

export function DateTimeInput(props: DateInputProps) {
  return <DateField kind="datetime" {...props} />;
}

export function TimeInput(props: DateInputProps) {
  return <DateField kind="time" {...props} />;
}
