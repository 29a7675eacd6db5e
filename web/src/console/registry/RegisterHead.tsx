import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { useAuth } from '../../shared/auth';
import { ImportButton } from '../excel/ImportButton';

/**
 * A register page's heading and its actions, each shown only to who may use it: add (the
 * register's own write permission), import an .xlsx ledger and export the filtered list.
 */
export function RegisterHead({ title, add, importer, exporter }: {
  title: string;
  add?: { to: string; label: string; testId: string; permission: string };
  importer?: { endpoint: string; testId: string; onImported(): void };
  exporter?: { href: string; testId: string };
}) {
  const { t } = useTranslation();
  const { can } = useAuth();
  return (
    <div className="page-head">
      <h1>{title}</h1>
      <div className="actions">
        {add && can(add.permission) ? (
          <Link className="btn btn-primary" to={add.to} data-testid={add.testId}>
            {add.label}
          </Link>
        ) : null}
        {importer && can('registry.import') ? <ImportButton endpoint={importer.endpoint} testId={importer.testId} onImported={importer.onImported} /> : null}
        {exporter && can('registry.export') ? (
          <a className="btn" data-testid={exporter.testId} href={exporter.href} download>
            {t('excel.export')}
          </a>
        ) : null}
      </div>
    </div>
  );
}
