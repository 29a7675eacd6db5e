import { type KeyboardEvent, useEffect, useRef, useState } from 'react';
import { createPortal } from 'react-dom';
import { useTranslation } from 'react-i18next';
import { isoToWall } from '../dates';
import type { DateKind } from './parse';
import { addDays, addMonths, monthWeeks } from './month-grid';

const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const HOURS = Array.from({ length: 24 }, (_, i) => String(i).padStart(2, '0'));
const MINUTES = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
// Arrow keys move a day or a week; Page Up/Down a month; Home/End to the week's ends (Monday first).
const MOVES: Record<string, (day: string) => string> = {
  ArrowLeft: (d) => addDays(d, -1),
  ArrowRight: (d) => addDays(d, 1),
  ArrowUp: (d) => addDays(d, -7),
  ArrowDown: (d) => addDays(d, 7),
  PageUp: (d) => addMonths(d, -1),
  PageDown: (d) => addMonths(d, 1),
  Home: (d) => addDays(d, -((new Date(`${d}T00:00:00Z`).getUTCDay() + 6) % 7)),
  End: (d) => addDays(d, 6 - ((new Date(`${d}T00:00:00Z`).getUTCDay() + 6) % 7)),
};

interface Props {
  kind: DateKind;
  /** '' or the field's canonical value. */
  value: string;
  clearable: boolean;
  onPick(value: string): void;
  onClose(): void;
}

/**
 * The picker of DateInput: a modal sheet (bottom of the screen on a phone) with a Monday-first
 * month grid of large day buttons and 24-hour hour and minute lists. Keyboard: arrows, Page
 * Up/Down, Home/End, Enter; Escape closes.
 */
export default function DatePicker({ kind, value, clearable, onPick, onClose }: Props) {
  const { t } = useTranslation();
  const now = isoToWall(new Date().toISOString());
  const today = now.slice(0, 10);
  const start = kind !== 'time' && value ? value.slice(0, 10) : today;
  const [cursor, setCursor] = useState(start);
  const [chosen, setChosen] = useState(kind !== 'time' && value ? start : '');
  const [clock, setClock] = useState(kind !== 'date' && value ? value.slice(-5) : now.slice(11, 16));
  const dialog = useRef<HTMLDialogElement>(null);
  const grid = useRef<HTMLTableElement>(null);
  const keyMoved = useRef(false);

  useEffect(() => {
    const d = dialog.current;
    if (!d) return;
    d.showModal();
    const first = d.querySelector<HTMLElement>(kind === 'time' ? 'select' : '[tabindex="0"]');
    first?.focus();
    return () => d.close();
  }, [kind]);

  // After a key moved the cursor, focus follows it (the grid may have changed month).
  useEffect(() => {
    if (!keyMoved.current) return;
    keyMoved.current = false;
    grid.current?.querySelector<HTMLElement>(`[data-day="${cursor}"]`)?.focus();
  }, [cursor]);

  const onGridKey = (e: KeyboardEvent) => {
    const move = MOVES[e.key];
    if (!move) return;
    e.preventDefault();
    keyMoved.current = true;
    setCursor(move(cursor));
  };

  const choose = (day: string) => {
    setCursor(day);
    if (kind === 'date') onPick(day);
    else setChosen(day);
  };

  const [hour, minute] = clock.split(':') as [string, string];
  const ready = kind === 'time' || !!chosen;
  const confirm = () => onPick(kind === 'time' ? clock : `${chosen}T${clock}`);

  return createPortal(
    <dialog
      ref={dialog}
      className="date-picker"
      aria-label={t(`dates.open.${kind}`)}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
      onClick={(e) => {
        if (e.target === dialog.current) onClose();
      }}
      data-testid="date-picker"
    >
      {kind !== 'time' ? (
        <>
          <div className="date-picker-head">
            <button type="button" className="btn btn-ghost" aria-label={t('dates.prevMonth')} onClick={() => setCursor(addMonths(cursor, -1))} data-testid="date-picker-prev">‹</button>
            <strong aria-live="polite" data-testid="date-picker-month">{cursor.slice(0, 7)}</strong>
            <button type="button" className="btn btn-ghost" aria-label={t('dates.nextMonth')} onClick={() => setCursor(addMonths(cursor, 1))} data-testid="date-picker-next">›</button>
          </div>
          <table className="date-picker-grid" ref={grid} onKeyDown={onGridKey}>
            <thead>
              <tr>{WEEKDAYS.map((w) => <th key={w} scope="col">{t(`dates.weekdays.${w}`)}</th>)}</tr>
            </thead>
            <tbody>
              {monthWeeks(cursor).map((week, i) => (
                <tr key={i}>
                  {week.map((day, j) => (
                    <td key={j}>
                      {day ? (
                        <button
                          type="button"
                          tabIndex={day === cursor ? 0 : -1}
                          aria-label={day}
                          aria-pressed={day === chosen}
                          aria-current={day === today ? 'date' : undefined}
                          onClick={() => choose(day)}
                          data-day={day}
                        >
                          {Number(day.slice(8))}
                        </button>
                      ) : null}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
      {kind !== 'date' ? (
        <div className="date-picker-clock">
          <label>
            <select value={hour} onChange={(e) => setClock(`${e.target.value}:${minute}`)} data-testid="date-picker-hour">
              {HOURS.map((h) => <option key={h} value={h}>{h}</option>)}
            </select>
            <span>{t('dates.hour')}</span>
          </label>
          <span aria-hidden="true">:</span>
          <label>
            <select value={minute} onChange={(e) => setClock(`${hour}:${e.target.value}`)} data-testid="date-picker-minute">
              {MINUTES.map((m) => <option key={m} value={m}>{m}</option>)}
            </select>
            <span>{t('dates.minute')}</span>
          </label>
        </div>
      ) : null}
      <div className="date-picker-actions">
        <button
          type="button"
          className="btn"
          onClick={() => {
            if (kind === 'date') return onPick(today);
            if (kind === 'datetime') choose(today);
            setClock(now.slice(11, 16));
          }}
        >
          {t(kind === 'date' ? 'dates.today' : 'dates.now')}
        </button>
        {clearable ? <button type="button" className="btn" onClick={() => onPick('')}>{t('dates.clear')}</button> : null}
        <span className="date-picker-gap" />
        <button type="button" className="btn" onClick={onClose}>{t('dates.cancel')}</button>
        {kind !== 'date' ? (
          <button type="button" className="btn btn-primary" disabled={!ready} onClick={confirm} data-testid="date-picker-ok">{t('dates.ok')}</button>
        ) : null}
      </div>
    </dialog>,
    document.body,
  );
}
