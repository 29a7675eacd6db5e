import '../../shared/i18n/console';
import { useTranslation } from 'react-i18next';
import { api } from '../../shared/api';
import { errorText } from '../../shared/errors';
import { formatTime } from '../../shared/format';
import { type KeysetPage, useKeysetList } from '../../shared/use-keyset-list';
import { LoadMore } from '../../shared/LoadMore';
import { distinctIds, type EvidenceFlag, FlagList, FlaggedPhotos } from './FlaggedEvidence';

interface Flagged {
  id: string; siteId: string; siteName: string; inspectorName: string; outcome: 'pass' | 'fail'; failedCount: number; recordedAt: string;
  checklistVersion: number; evidenceFlags: EvidenceFlag[];
  /** Every photo of the inspection's answers (before, then after). */
  photoIds: string[];
}

/** Inspections whose photos failed an evidence check (reused, far in time or place), with those photos, for the operator to review. */
export function FlaggedInspections() {
  const { t, i18n } = useTranslation();
  const r = useKeysetList<Flagged>((after) => api.get<KeysetPage<Flagged>>('/api/inspections', { flagged: 'true', limit: 100, after }), []);
  return (
    <>
      <h2>{t('console.coverage.flaggedInspections')}</h2>
      {r.error ? <p className="alert alert-error">{errorText(t, r.error)}</p> : null}
      <table className="table" data-testid="flagged-inspections">
        <thead>
          <tr>
            <th>{t('patrol.board.when')}</th><th>{t('patrol.board.site')}</th><th>{t('console.coverage.inspector')}</th>
            <th>{t('console.coverage.outcome')}</th><th>{t('patrol.board.flag')}</th><th>{t('console.spotChecks.photos')}</th>
          </tr>
        </thead>
        <tbody>
          {r.items.map((i) => {
            const when = formatTime(i.recordedAt, i18n.language);
            // The photos the flags name first, then the inspection's others.
            const photos = distinctIds([...i.evidenceFlags.map((f) => f.photoId), ...(i.photoIds ?? [])]);
            return (
              <tr key={i.id} data-testid="flagged-inspection" data-id={i.id}>
                <td>{when}</td>
                <td>{i.siteName}</td>
                <td>{i.inspectorName}</td>
                <td>{t(`console.history.outcomes.${i.outcome}`)}{i.failedCount ? ` · ${i.failedCount}` : ''}</td>
                <td><FlagList flags={i.evidenceFlags} /></td>
                <td><FlaggedPhotos ids={photos} label={(n) => t('console.coverage.inspectionPhoto', { site: i.siteName, when, n })} /></td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <LoadMore list={r} testId="flagged-inspections-more" />
      {!r.loading && !r.error && !r.items.length ? <p className="muted">{t('patrol.board.none')}</p> : null}
    </>
  );
}
