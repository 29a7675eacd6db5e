import type { HTMLAttributes, ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText } from '../../shared/errors';

/** One column of a register's table: its heading (null for an unnamed one) and what each row shows in it. */
export interface Column<T> {
  header: ReactNode;
  cell(row: T): ReactNode;
  className?: string;
}

/** The table of a register page: a row per record, `rowAttrs` for what tests and scripts find a row by. */
export function RegisterTable<T extends { id: string }>({ testId, columns, items, rowAttrs }: {
  testId: string;
  columns: (Column<T> | false)[];
  items: T[];
  rowAttrs?(row: T): HTMLAttributes<HTMLTableRowElement> & Record<`data-${string}`, string>;
}) {
  const shown = columns.filter((c): c is Column<T> => c !== false);
  return (
    <table className="table" data-testid={testId}>
      <thead>
        <tr>
          {shown.map((c, i) => <th key={i}>{c.header}</th>)}
        </tr>
      </thead>
      <tbody>
        {items.map((row) => (
          <tr key={row.id} {...rowAttrs?.(row)}>
            {shown.map((c, i) => <td key={i} className={c.className}>{c.cell(row)}</td>)}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Under a register's filters: the list's error, "nothing found" once an answer has come, or the table. */
export function RegisterRows<T extends { id: string }>({ error, loaded, empty, ...table }: {
  error: unknown;
  loaded: boolean;
  empty: string;
} & Parameters<typeof RegisterTable<T>>[0]) {
  const { t } = useTranslation();
  return (
    <>
      {error ? <p className="alert alert-error">{errorText(t, error)}</p> : null}
      {loaded && !table.items.length ? <p className="empty">{empty}</p> : null}
      {table.items.length ? <RegisterTable {...table} /> : null}
    </>
  );
}
