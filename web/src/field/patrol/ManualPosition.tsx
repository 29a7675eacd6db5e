import { useTranslation } from 'react-i18next';

/** Same list as the server's MANUAL_POSITION_REASONS (src/db/schema.ts). */
export const MANUAL_REASONS = ['geolocation_denied', 'weak_signal', 'indoor_no_fix', 'other'] as const;
export type ManualReason = (typeof MANUAL_REASONS)[number];

export interface ManualChoice {
  confirmed: boolean;
  reason: ManualReason | '';
  note: string;
}

export const NO_MANUAL: ManualChoice = { confirmed: false, reason: '', note: '' };

/** Ready to send: the position confirmed, a reason picked, and words when the reason is "other". */
export function manualReady(m: ManualChoice): boolean {
  return m.confirmed && m.reason !== '' && (m.reason !== 'other' || m.note.trim().length >= 2);
}

export function manualBody(m: ManualChoice): { reason: ManualReason; note?: string } {
  const note = m.note.trim();
  return { reason: m.reason as ManualReason, ...(note ? { note } : {}) };
}

/**
 * Without a position (refused, weak signal, indoors): the person confirms they stand at this bin
 * room — its registered position — and picks a reason. The server records it as a manual
 * check-in, flagged for the operator's review; it is never taken as GPS proof.
 */
export function ManualPosition({ siteName, value, onChange }: { siteName: string; value: ManualChoice; onChange: (m: ManualChoice) => void }) {
  const { t } = useTranslation();
  return (
    <fieldset className="m-manual" data-testid="manual-position">
      <legend>{t('patrol.checkin.manual.title')}</legend>
      <p className="hint">{t('patrol.checkin.manual.hint')}</p>
      <label className="m-choice">
        <input type="checkbox" data-testid="manual-confirm" checked={value.confirmed} onChange={(e) => onChange({ ...value, confirmed: e.target.checked })} />
        {t('patrol.checkin.manual.confirm', { site: siteName })}
      </label>
      <span>{t('patrol.checkin.manual.reason')}</span>
      {MANUAL_REASONS.map((r) => (
        <label key={r} className="m-choice">
          <input type="radio" name="manual-reason" value={r} data-testid={`manual-reason-${r}`} checked={value.reason === r} onChange={() => onChange({ ...value, reason: r })} />
          {t(`patrol.checkin.manual.reasons.${r}`)}
        </label>
      ))}
      <input
        className="m-input"
        data-testid="manual-note"
        maxLength={200}
        aria-label={t(value.reason === 'other' ? 'patrol.checkin.manual.noteRequired' : 'patrol.checkin.manual.note')}
        placeholder={t(value.reason === 'other' ? 'patrol.checkin.manual.noteRequired' : 'patrol.checkin.manual.note')}
        value={value.note}
        onChange={(e) => onChange({ ...value, note: e.target.value })}
      />
    </fieldset>
  );
}
