import '../../shared/i18n/enforcement';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../shared/api';
import { errorText } from '../../shared/errors';

interface VerifyResult {
  valid: boolean;
  superseded?: boolean;
  document?: { number: string; revision: number; subject: string; issuedAt: string };
}

/** Checks a document's verification code against the stored record. */
export function VerifyBox() {
  const { t } = useTranslation();
  const [code, setCode] = useState('');
  const [result, setResult] = useState<VerifyResult | null>(null);
  const [error, setError] = useState('');
  return (
    <form
      className="card"
      data-testid="verify-box"
      onSubmit={async (e) => {
        e.preventDefault();
        setError('');
        setResult(null);
        try {
          setResult(await api.get<VerifyResult>('/api/enforcement/documents/verify', { code }));
        } catch (err) {
          setError(errorText(t, err));
        }
      }}
    >
      <h2>{t('enforcement.verify.title')}</h2>
      <label className="field">
        <span>{t('enforcement.verify.code')}</span>
        <input value={code} onChange={(e) => setCode(e.target.value)} placeholder="XXXX-XXXX-XXXX-XXXX" data-testid="verify-code" />
      </label>
      <button type="submit" className="btn btn-primary">{t('enforcement.verify.check')}</button>
      {error ? <p className="field-error">{error}</p> : null}
      {result ? (
        <p className={`alert ${result.valid ? 'alert-ok' : 'alert-error'}`} data-testid="verify-result">
          {result.valid ? t('enforcement.verify.valid') : t('enforcement.verify.invalid')}
          {result.document ? ` · ${result.document.number} · ${result.document.subject}` : ''}
          {result.superseded ? ` · ${t('enforcement.verify.superseded')}` : ''}
        </p>
      ) : null}
    </form>
  );
}
