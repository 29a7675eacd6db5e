import { type RefObject, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { RowError } from '../../shared/api';
import { errorText } from '../../shared/errors';
import { importReasonZh } from '../../shared/field-reasons-import';
import { useDialogFocus } from './dialog-focus';

export type ImportOutcome =
  | { kind: 'preview'; file: File; count: number }
  | { kind: 'ok'; imported: number }
  | { kind: 'rows'; rows: RowError[] }
  | { kind: 'error'; error: unknown };

/** A row's reason in the current language: the server writes it in English, Chinese screens translate it. */
export function rowReasonText(lang: string, reason: string): string {
  return lang.startsWith('zh') ? (importReasonZh(reason) ?? reason) : reason;
}

/** The answer of an import, as a dialog: the preview to confirm, a count, a table of bad rows, or a message. */
export function ImportResult({ outcome, busy = false, onConfirm, onClose, returnFocusTo }: { outcome: ImportOutcome; busy?: boolean; onConfirm?(file: File): void; onClose(): void; returnFocusTo: RefObject<HTMLElement | null> }) {
  const { t, i18n } = useTranslation();
  const dialog = useRef<HTMLDivElement>(null);
  useDialogFocus(dialog, { step: `${outcome.kind}${busy ? '-busy' : ''}`, canClose: !busy, onClose, returnTo: returnFocusTo });
  return (
    <div className="dialog-backdrop" role="presentation">
      <div ref={dialog} tabIndex={-1} className="dialog card" role="dialog" aria-modal="true" aria-labelledby="import-result-title" data-testid="import-result">
        <h2 id="import-result-title" className="visually-hidden">{t('excel.import')}</h2>
        {outcome.kind === 'preview' ? (
          <p className="alert alert-info" data-testid="import-preview">
            {outcome.count > 0 ? t('excel.preview', { file: outcome.file.name, count: outcome.count }) : t('excel.previewNone', { file: outcome.file.name })}
          </p>
        ) : null}
        {outcome.kind === 'ok' ? <p className="alert alert-ok">{t('excel.imported', { count: outcome.imported })}</p> : null}
        {outcome.kind === 'error' ? <p className="alert alert-error">{errorText(t, outcome.error)}</p> : null}
        {outcome.kind === 'rows' ? (
          <>
            <p className="alert alert-error">{t('excel.failed')}</p>
            <div className="dialog-scroll">
              <table className="table" data-testid="import-row-errors">
                <thead>
                  <tr>
                    <th>{t('excel.row')}</th>
                    <th>{t('excel.column')}</th>
                    <th>{t('excel.reason')}</th>
                  </tr>
                </thead>
                <tbody>
                  {outcome.rows.map((r, i) => (
                    <tr key={`${r.row}-${r.column}-${i}`}>
                      <td>{r.row}</td>
                      <td>{r.column}</td>
                      <td>{rowReasonText(i18n.language, r.reason)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        ) : null}
        <div className="form-actions">
          {outcome.kind === 'preview' && outcome.count > 0 && onConfirm ? (
            <button type="button" className="btn btn-primary" data-testid="import-confirm" disabled={busy} onClick={() => onConfirm(outcome.file)}>
              {busy ? t('excel.uploading') : t('excel.confirm')}
            </button>
          ) : null}
          <button type="button" className={outcome.kind === 'preview' && outcome.count > 0 ? 'btn' : 'btn btn-primary'} disabled={busy} onClick={onClose} data-testid="import-close">
            {outcome.kind === 'preview' ? t('excel.cancel') : t('common.close')}
          </button>
        </div>
      </div>
    </div>
  );
}
