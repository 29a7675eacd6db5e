import { type ChangeEvent, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../../shared/api';
import { ImportResult, type ImportOutcome } from './ImportResult';

/**
 * Uploads the chosen .xlsx as multipart field `file`. The server imports all rows or none:
 * success → { imported }, a bad row → 422 import_failed with details.rows[{row, column, reason}].
 */
export function ImportButton({ endpoint, testId, onImported }: { endpoint: string; testId: string; onImported(): void }) {
  const { t } = useTranslation();
  const input = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<ImportOutcome | null>(null);

  async function chosen(e: ChangeEvent<HTMLInputElement>) {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (!file) return;
    setBusy(true);
    setOutcome(null);
    try {
      const res = await api.upload<{ imported: number }>(endpoint, file);
      setOutcome({ kind: 'ok', imported: res.imported });
      onImported();
    } catch (err) {
      if (err instanceof ApiError && err.code === 'import_failed' && err.rows.length) setOutcome({ kind: 'rows', rows: err.rows });
      else setOutcome({ kind: 'error', error: err });
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <button type="button" className="btn" data-testid={testId} disabled={busy} onClick={() => input.current?.click()}>
        {busy ? t('excel.uploading') : t('excel.import')}
      </button>
      <input
        ref={input}
        type="file"
        hidden
        data-testid={`${testId}-file`}
        accept=".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        onChange={(e) => void chosen(e)}
      />
      {outcome ? <ImportResult outcome={outcome} onClose={() => setOutcome(null)} /> : null}
    </>
  );
}
