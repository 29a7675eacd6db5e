import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import '../../shared/i18n/outbox';
import { ApiError } from '../../shared/api';
import { errorText } from '../../shared/errors';
import { takePhoto } from '../../shared/photos/upload-photo';

export interface UploadedPhoto {
  id: string;
  thumbUrl: string;
  /** True while the photo waits on the phone (offline): only pages that send through the outbox accept it. */
  pending?: boolean;
}

/**
 * Takes a picture with the phone camera, compresses it (≤ 1600 px, ≤ 400 KB, original EXIF time
 * and GPS sent along) and uploads it to /api/photos straight away. With `offline`, a photo that
 * cannot be uploaded now is kept on the phone and goes with the action through the outbox.
 */
export function PhotoInput({ label, testId, onUploaded, offline = false }: { label: string; testId: string; onUploaded: (p: UploadedPhoto | null) => void; offline?: boolean }) {
  const { t } = useTranslation();
  const [state, setState] = useState<'idle' | 'uploading' | 'done' | 'error'>('idle');
  const [thumb, setThumb] = useState<string | null>(null);
  const [error, setError] = useState('');
  const [pending, setPending] = useState(false);
  const labelId = useId();
  return (
    <div className="field" data-testid={`${testId}-wrap`}>
      <span id={labelId}>{label}</span>
      <input
        aria-labelledby={labelId}
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
            const p = await takePhoto(file);
            if (p.pending && !offline) throw new ApiError(0, 'network_error', 'offline', null);
            setThumb(p.thumbUrl);
            setPending(p.pending);
            setState('done');
            onUploaded(p);
          } catch (err) {
            setError(errorText(t, err));
            setState('error');
          }
        }}
      />
      {state === 'uploading' ? <small className="hint">{t('patrol.checkin.uploading')}</small> : null}
      {state === 'done' && thumb ? <img data-pending={pending ? '1' : '0'} src={thumb} alt="" className="m-thumb" data-testid={`${testId}-done`} style={{ maxWidth: 96, borderRadius: 6 }} /> : null}
      {state === 'done' && pending ? <small className="hint" data-testid={`${testId}-pending`}>{t('outbox.photoKept')}</small> : null}
      {state === 'error' ? <small className="field-error">{error}</small> : null}
    </div>
  );
}
