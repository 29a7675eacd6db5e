import { lazy, Suspense } from 'react';
import type { DateInputProps } from './DateInput';

const LazyDateTime = lazy(() => import('./DateInput').then((m) => ({ default: m.DateTimeInput })));

/**
 * DateTimeInput for a page in the field app's first load, where it shows only after a choice
 * (asking for an extension): its code loads then, keeping the first load within budget.
 */
export function LazyDateTimeInput(props: DateInputProps) {
  return (
    <Suspense fallback={<input className={props.className} disabled aria-label={props['aria-label']} />}>
      <LazyDateTime {...props} />
    </Suspense>
  );
}
