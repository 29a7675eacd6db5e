import { useState } from 'react';
import { useTranslation } from 'react-i18next';

/** A secret shown this once: a clear warning, the value selectable, a copy button. */
export function SecretBox({ title, items, onDismiss }: { title: string; items: { label: string; value: string; testId: string }[]; onDismiss: () => void }) {
  const { t } = useTranslation();
  const [copied, setCopied] = useState<string | null>(null);
  async function copy(value: string, testId: string) {
    try {
      await navigator.clipboard.writeText(value);
      setCopied(testId);
    } catch {
      // No clipboard (an insecure origin): the value stays selectable on the page.
      setCopied(null);
    }
  }
  return (
    <div className="alert alert-warn stack-gap" role="alert" data-testid="o311-secret-box">
      <p><strong>{title}</strong></p>
      {items.map((it) => (
        <p key={it.testId}>
          {it.label}：<code data-testid={it.testId} style={{ userSelect: 'all', wordBreak: 'break-all' }}>{it.value}</code>{' '}
          <button type="button" className="btn btn-small" onClick={() => void copy(it.value, it.testId)} data-testid={`${it.testId}-copy`}>
            {copied === it.testId ? t('o311.copied') : t('o311.copy')}
          </button>
        </p>
      ))}
      <button type="button" className="btn" onClick={onDismiss} data-testid="o311-secret-dismiss">{t('o311.dismiss')}</button>
    </div>
  );
}
