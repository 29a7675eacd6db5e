import { useId, type ReactNode } from 'react';

/**
 * A submit button that says why it cannot be pressed yet ("先拍一张整改后照片"): the first unmet
 * condition is shown under it and linked with aria-describedby. `busy` disables without a reason.
 */
export function SubmitWithReason({
  why, busy = false, className, testId, children, type = 'submit', onClick,
}: {
  /** Unmet conditions in order; the first non-empty one is shown. */
  why: (string | false | null | undefined)[];
  busy?: boolean;
  className?: string;
  testId?: string;
  children: ReactNode;
  type?: 'submit' | 'button';
  onClick?: () => void;
}) {
  const id = useId();
  const reason = why.find((w): w is string => typeof w === 'string' && w.length > 0);
  return (
    <>
      <button type={type} className={className} disabled={busy || !!reason} data-testid={testId} aria-describedby={reason ? id : undefined} onClick={onClick}>
        {children}
      </button>
      {reason ? (
        <small id={id} className="why-disabled" data-testid={testId ? `${testId}-why` : 'why-disabled'}>
          {reason}
        </small>
      ) : null}
    </>
  );
}
