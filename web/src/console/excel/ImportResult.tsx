import { useTranslation } from 'react-i18next';
import type { RowError } from '../../shared/api';
import { errorText } from '../../shared/errors';

export type ImportOutcome = { kind: 'ok'; imported: number } | { kind: 'rows'; rows: RowError[] } | { kind: 'error'; error: unknown };

/** The answer of an import, as a dialog: a count, a table of bad rows, or a message. */
export function ImportResult({ outcome, onClose }: { outcome: ImportOutcome; onClose(): void }) {
  const { t } = useTranslation();
  return (
    <div className="dialog-backdrop" role="presentation">
      <div className="dialog card" role="dialog" aria-modal="true" data-testid="import-result">
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
                      <td>{r.reason}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        ) : null}
        <div className="form-actions">
          <button type="button" className="btn btn-primary" onClick={onClose}>
            {t('common.close')}
          </button>
        </div>
      </div>
    </div>
  );
}
