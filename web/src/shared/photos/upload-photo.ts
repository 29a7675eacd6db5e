import { ApiError } from '../api';
import { pendingPhoto } from '../outbox/outbox';
import { keepPendingPhoto } from '../outbox/pending-photos';
import { classify, errorOf } from '../outbox/rules';
import { photoForm } from '../outbox/transport';
import { preparePhoto } from './compress';

export interface TakenPhoto {
  /** The server's photo id, or a placeholder token while the photo waits in the outbox. */
  id: string;
  thumbUrl: string;
  pending: boolean;
  bytes: number;
  originalBytes: number;
}

/**
 * Compresses a camera photo and uploads it; when the phone is offline or the server does not
 * answer, keeps it on the phone (it is uploaded with the action, from the outbox).
 */
export async function takePhoto(file: File): Promise<TakenPhoto> {
  const prepared = await preparePhoto(file);
  const keep = (): TakenPhoto => {
    const p = pendingPhoto({ blob: prepared.blob, name: prepared.name, takenAt: prepared.takenAt, lat: prepared.lat, lng: prepared.lng });
    keepPendingPhoto(p);
    return { id: p.token, thumbUrl: URL.createObjectURL(prepared.blob), pending: true, bytes: prepared.blob.size, originalBytes: prepared.originalBytes };
  };
  if (typeof navigator !== 'undefined' && navigator.onLine === false) return keep();
  let status = 0;
  let body: unknown = null;
  try {
    const res = await fetch('/api/photos', { method: 'POST', credentials: 'same-origin', body: photoForm(prepared) });
    status = res.status;
    body = await res.json().catch(() => null);
  } catch {
    /* no answer */
  }
  const outcome = classify(status);
  if (outcome === 'sent') {
    const p = body as { id: string; thumbUrl: string };
    return { id: p.id, thumbUrl: p.thumbUrl, pending: false, bytes: prepared.blob.size, originalBytes: prepared.originalBytes };
  }
  if (outcome === 'retry' && status !== 401) return keep();
  const e = errorOf({ status, body });
  throw new ApiError(status, e.code, e.message, (body as { error?: { details?: unknown } } | null)?.error?.details ?? null);
}
