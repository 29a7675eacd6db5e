import '../../shared/i18n/console';
import '../../shared/i18n/patrol';
import { Fragment, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { photoUrl, thumbUrl } from '../../shared/cases';
import '../spot-checks/spot-checks.css';

/** A photo evidence flag as the check-in and inspection lists return it (photo-checks.ts). */
export interface EvidenceFlag { code: string; photoId?: string; detail?: { recordKind?: string; recordId?: string } & Record<string, unknown> }

/** The flagged record's photos, each a ~64 px thumbnail opening the full photo in a new window. */
export function FlaggedPhotos({ ids, label }: { ids: string[]; label: (n: number) => string }) {
  const { t } = useTranslation();
  if (!ids.length) return <span className="muted">{t('console.spotChecks.noPhoto')}</span>;
  return (
    <span className="spot-photos-group" data-testid="flagged-photos">
      {ids.map((id, i) => (
        <a key={id} href={photoUrl(id)} target="_blank" rel="noreferrer" data-testid="flagged-photo" aria-label={label(i + 1)}>
          <img src={thumbUrl(id)} alt="" loading="lazy" />
        </a>
      ))}
    </span>
  );
}

/** Distinct ids, in order, without empty ones. */
export const distinctIds = (ids: (string | null | undefined)[]): string[] => [...new Set(ids.filter((x): x is string => !!x))];

/**
 * Why the record is listed: `lead` (e.g. a manual position) then each flag; a photo first used on a
 * case links to that case, for the operator to compare.
 */
export function FlagList({ flags, lead }: { flags: EvidenceFlag[]; lead?: string | null }) {
  const { t } = useTranslation();
  const parts: ReactNode[] = lead ? [lead] : [];
  for (const f of flags) {
    const text = t(`patrol.flags.${f.code}`, { defaultValue: f.code, ...f.detail });
    const caseId = f.code === 'reused_photo' && f.detail?.recordKind === 'case' ? f.detail.recordId : undefined;
    parts.push(caseId ? <>{text} · <Link to={`/cases/${encodeURIComponent(caseId)}`} data-testid="reused-case-link">{t('console.coverage.reusedCase')}</Link></> : text);
  }
  return <>{parts.map((p, i) => <Fragment key={i}>{i ? '、' : ''}{p}</Fragment>)}</>;
}
