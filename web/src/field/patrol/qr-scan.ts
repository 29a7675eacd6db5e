/**
 * Reads a QR code from a photo: with the browser's BarcodeDetector where the phone has one, else
 * with jsQR (pure JS), loaded only when first needed so it stays out of the field app's first
 * download. iOS WebKit, many WeChat webviews and desktop Linux Chromium have no BarcodeDetector.
 */
interface Detector {
  detect(source: ImageBitmapSource): Promise<{ rawValue: string }[]>;
}
type DetectorCtor = new (o: { formats: string[] }) => Detector;

/** jsQR works on raw pixels; a camera photo is scaled down to this long side first (fast, still plenty for a plate). */
const MAX_SIDE = 1280;

export const canScanQr = (): boolean => typeof createImageBitmap === 'function' && typeof document !== 'undefined';

async function withDetector(bitmap: ImageBitmap): Promise<string | null> {
  const Ctor = (globalThis as unknown as { BarcodeDetector?: DetectorCtor }).BarcodeDetector;
  if (!Ctor) return null;
  try {
    const codes = await new Ctor({ formats: ['qr_code'] }).detect(bitmap);
    return codes[0]?.rawValue ?? null;
  } catch {
    return null; // e.g. qr_code not among the supported formats: the JS decoder tries
  }
}

async function withJsQr(bitmap: ImageBitmap): Promise<string | null> {
  const { default: jsQR } = await import('jsqr');
  const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
  const w = Math.max(1, Math.round(bitmap.width * scale));
  const h = Math.max(1, Math.round(bitmap.height * scale));
  const canvas = document.createElement('canvas');
  canvas.width = w;
  canvas.height = h;
  const g = canvas.getContext('2d', { willReadFrequently: true });
  if (!g) return null;
  g.drawImage(bitmap, 0, 0, w, h);
  const img = g.getImageData(0, 0, w, h);
  return jsQR(img.data, w, h, { inversionAttempts: 'attemptBoth' })?.data || null;
}

export async function scanQrFromFile(file: File): Promise<string | null> {
  const bitmap = await createImageBitmap(file);
  try {
    return (await withDetector(bitmap)) ?? (await withJsQr(bitmap));
  } finally {
    bitmap.close();
  }
}
