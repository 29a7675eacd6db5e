import { type ChangeEvent, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError, withQuery } from '../../shared/api';
import { ImportResult, type ImportOutcome } from './ImportResult';

/**
 * Imports an .xlsx in two steps: the file is first checked by the server (`dryRun=true`: every row
 * validated, nothing written), the person sees the count or every bad row with its reason, and only
 * "确认导入" writes — all rows or none (multipart field `file`; a bad row → 422 import_failed with
 * details.rows[{row, column, reason}]).
 */
export function ImportButton({ endpoint, testId, onImported }: { endpoint: string; testId: string; onImported(): void }) {
  const { t } = useTranslation();
  const input = useRef<HTMLInputElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const [busy, setBusy] = useState<'checking' | 'importing' | null>(null);
  const [outcome, setOutcome] = useState<ImportOutcome | null>(null);

  function failed(err: unknown) {
    if (err instanceof ApiError && err.code === 'import_failed' && err.rows.length) setOutcome({ kind: 'rows', rows: err.rows });
    else setOutcome({ kind: 'error', error: err });
  }

  async function chosen(e: ChangeEvent<HTMLInputElement>) {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (!file) return;
    setBusy('checking');
    setOutcome(null);
    try {
      const res = await api.upload<{ imported: number }>(withQuery(endpoint, { dryRun: 'true' }), file);
      setOutcome({ kind: 'preview', file, count: res.imported });
    } catch (err) {
      failed(err);
    } finally {
      setBusy(null);
    }
  }

  async function confirm(file: File) {
    setBusy('importing');
    try {
      const res = await api.upload<{ imported: number }>(endpoint, file);
      setOutcome({ kind: 'ok', imported: res.imported });
      onImported();
    } catch (err) {
      failed(err);
    } finally {
      setBusy(null);
    }
  }

  return (
    <>
      <button ref={button} type="button" className="btn" data-testid={testId} disabled={busy !== null} onClick={() => input.current?.click()}>
        {busy === 'checking' ? t('excel.checking') : busy === 'importing' ? t('excel.uploading') : t('excel.import')}
      </button>
      <input
        ref={input}
        type="file"
        hidden
        data-testid={`${testId}-file`}
        accept=".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        onChange={(e) => void chosen(e)}
      />
      {outcome ? <ImportResult outcome={outcome} busy={busy === 'importing'} onConfirm={(f) => void confirm(f)} onClose={() => setOutcome(null)} returnFocusTo={button} /> : null}
    </>
  );
}
