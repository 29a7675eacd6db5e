import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../shared/api';
import { errorText } from '../../shared/errors';

export interface UploadedPhoto {
  id: string;
  thumbUrl: string;
}

/** Takes a picture with the phone camera and uploads it to /api/photos straight away. */
export function PhotoInput({ label, testId, onUploaded }: { label: string; testId: string; onUploaded: (p: UploadedPhoto | null) => void }) {
  const { t } = useTranslation();
  const [state, setState] = useState<'idle' | 'uploading' | 'done' | 'error'>('idle');
  const [thumb, setThumb] = useState<string | null>(null);
  const [error, setError] = useState('');
  return (
    <div className="field" data-testid={`${testId}-wrap`}>
      <span>{label}</span>
      <input
        type="file"
        accept="image/*"
        capture="environment"
        data-testid={testId}
        onChange={async (e) => {
          const file = e.target.files?.[0];
          if (!file) return;
          setState('uploading');
          onUploaded(null);
          try {
            const p = await api.upload<UploadedPhoto>('/api/photos', file);
            setThumb(p.thumbUrl);
            setState('done');
            onUploaded(p);
          } catch (err) {
            setError(errorText(t, err));
            setState('error');
          }
        }}
      />
      {state === 'uploading' ? <small className="hint">{t('patrol.checkin.uploading')}</small> : null}
      {state === 'done' && thumb ? <img src={thumb} alt="" className="m-thumb" data-testid={`${testId}-done`} style={{ maxWidth: 96, borderRadius: 6 }} /> : null}
      {state === 'error' ? <small className="field-error">{error}</small> : null}
    </div>
  );
}
