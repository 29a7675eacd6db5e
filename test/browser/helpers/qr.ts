import jsqrModule from 'jsqr';
import type { Locator } from 'playwright-core';
import sharp from 'sharp';

type Decode = (data: Uint8ClampedArray, width: number, height: number) => { data: string } | null;
/** jsqr is CommonJS with an __esModule default: Node's ESM loader hands over module.exports. */
const jsQR: Decode = ((jsqrModule as unknown as { default?: Decode }).default ?? jsqrModule) as unknown as Decode;

/** Reads the QR code an <svg> on the page draws (rendered and decoded in Node, as a phone camera would). */
export async function readSvgQr(svg: Locator): Promise<string | null> {
  const markup = await svg.evaluate((el) => new XMLSerializer().serializeToString(el));
  const { data, info } = await sharp(Buffer.from(markup)).resize(400, 400, { kernel: 'nearest' }).flatten({ background: '#fff' }).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return jsQR(new Uint8ClampedArray(data.buffer, data.byteOffset, data.length), info.width, info.height)?.data ?? null;
}
