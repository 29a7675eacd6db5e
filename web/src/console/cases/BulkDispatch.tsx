import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { postWithKey } from '../../shared/case-api';
import { type CaseListItem, idemKey } from '../../shared/cases';
import { errorText } from '../../shared/errors';
import { useUnits } from './use-units';

/** A batch's outcome, shown by the page: the selection (and this form with it) is cleared when a batch ends. */
export interface BulkResult { ok: boolean; text: string }

/** Dispatches the selected filed cases to one unit, all or nothing (one Idempotency-Key per attempt). */
export function BulkDispatch({ cases, onDone }: { cases: CaseListItem[]; onDone(result: BulkResult): void }) {
  const { t } = useTranslation();
  const units = useUnits();
  const [unitId, setUnitId] = useState('');
  const [busy, setBusy] = useState(false);
  // One Idempotency-Key per batch (same cases, same unit): a retried click cannot dispatch twice.
  const keys = useRef(new Map<string, string>());
  const keyFor = (sig: string) => {
    if (!keys.current.has(sig)) keys.current.set(sig, idemKey());
    return keys.current.get(sig)!;
  };
  return (
    <form
      className="filters case-bulk"
      data-testid="bulk-dispatch"
      onSubmit={async (e) => {
        e.preventDefault();
        if (!unitId) return;
        setBusy(true);
        try {
          const r = await postWithKey<{ dispatched: number }>(
            '/api/cases/bulk-dispatch',
            { items: cases.map((c) => ({ caseId: c.id, version: c.version })), unitId },
            keyFor(`${cases.map((c) => `${c.id}@${c.version}`).join(',')}>${unitId}`),
          );
          onDone({ ok: true, text: t('cases.desk.bulkDone', { n: r.dispatched }) });
        } catch (err) {
          onDone({ ok: false, text: errorText(t, err) });
        } finally {
          setBusy(false);
        }
      }}
    >
      <strong>{t('cases.desk.selected', { n: cases.length })}</strong>
      <label className="field">
        <span>{t('cases.desk.unit')}</span>
        <select value={unitId} onChange={(e) => setUnitId(e.target.value)} data-testid="bulk-unit" required>
          <option value="">{t('cases.desk.choose')}</option>
          {units.map((u) => <option key={u.id} value={u.id}>{u.name}</option>)}
        </select>
      </label>
      <button type="submit" className="btn" disabled={busy || !unitId} data-testid="bulk-submit">{t('cases.desk.bulkDispatch')}</button>
    </form>
  );
}
