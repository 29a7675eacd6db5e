import { BeforeAfterPhotos, TimelineList } from '../../shared/case-timeline/CaseEvents';
import type { CaseDetail } from '../../shared/cases';

/**
 * The case's before/after photos side by side, then its events oldest first: the action, where a
 * dispatch sent it, who (with unit or role), when, how far from the site, note and photos.
 */
export function CaseTimeline({ c }: { c: CaseDetail }) {
  return (
    <>
      <BeforeAfterPhotos c={c} />
      <TimelineList c={c} />
    </>
  );
}
