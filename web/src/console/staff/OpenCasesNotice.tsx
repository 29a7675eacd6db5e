import { useTranslation } from 'react-i18next';
import { ApiError } from '../../shared/api';
import '../../shared/i18n/open-cases';

/** The open cases that block a change (API error has_open_cases): how many, and their numbers. */
export function openCasesOf(err: unknown): { count: number; cases: string[] } | null {
  if (!(err instanceof ApiError) || err.code !== 'has_open_cases') return null;
  const d = err.details as { count?: number; cases?: string[] } | null;
  return { count: d?.count ?? 0, cases: Array.isArray(d?.cases) ? d.cases : [] };
}

/** Says in the reader's language which open cases keep a person or a site from changing. */
export function OpenCasesNotice({ error, of }: { error: unknown; of: 'staff' | 'site' }) {
  const { t } = useTranslation();
  const open = openCasesOf(error);
  if (!open) return null;
  return (
    <div className="alert alert-error" role="alert" data-testid="open-cases">
      <p>{t(`openCases.${of}`, { count: open.count })}</p>
      <p>
        {open.cases.join('、')}
        {open.count > open.cases.length ? ` ${t('openCases.more', { count: open.count })}` : ''}
      </p>
    </div>
  );
}
