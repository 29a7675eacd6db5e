/** Reads a QR code from a photo with the browser's BarcodeDetector, where the phone has one. */
interface Detector {
  detect(source: ImageBitmapSource): Promise<{ rawValue: string }[]>;
}
type DetectorCtor = new (o: { formats: string[] }) => Detector;

export const canScanQr = (): boolean => typeof (globalThis as { BarcodeDetector?: unknown }).BarcodeDetector === 'function';

export async function scanQrFromFile(file: File): Promise<string | null> {
  const Ctor = (globalThis as unknown as { BarcodeDetector?: DetectorCtor }).BarcodeDetector;
  if (!Ctor) return null;
  const bitmap = await createImageBitmap(file);
  try {
    const codes = await new Ctor({ formats: ['qr_code'] }).detect(bitmap);
    return codes[0]?.rawValue ?? null;
  } finally {
    bitmap.close();
  }
}
