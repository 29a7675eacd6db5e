import sharp from 'sharp';

/** Test images made at test time with sharp (no binary fixtures in the repo). */
export const solid = (width = 640, height = 480) =>
  sharp({ create: { width, height, channels: 3, background: { r: 30, g: 140, b: 60 } } });

/** A JPEG with EXIF capture time (Shanghai wall clock, no offset tag) and GPS near Hongqiao. */
export function jpegWithExif(opts: { taken?: string; lat?: [number, number, number]; lng?: [number, number, number]; seed?: number } = {}) {
  // Distinct seeds give visibly different colours, so JPEG quantisation cannot make them equal.
  const seed = opts.seed ?? 0;
  const [ld, lm, ls] = opts.lat ?? [31, 12, 34.56];
  const [gd, gm, gs] = opts.lng ?? [121, 24, 12.34];
  const img = sharp({
    create: { width: 800, height: 600, channels: 3, background: { r: (200 + 47 * seed) % 256, g: (80 + 91 * seed) % 256, b: 20 } },
  });
  return img
    .jpeg({ quality: 80 })
    .withExif({
      IFD0: { Make: 'Apple', Model: 'iPhone 15' },
      IFD2: { DateTimeOriginal: opts.taken ?? '2026:05:26 10:30:00' },
      IFD3: {
        GPSLatitudeRef: 'N',
        GPSLatitude: `${ld}/1 ${lm}/1 ${Math.round(ls * 100)}/100`,
        GPSLongitudeRef: 'E',
        GPSLongitude: `${gd}/1 ${gm}/1 ${Math.round(gs * 100)}/100`,
      },
    } as never)
    .toBuffer();
}

const patchAll = (buf: Buffer, from: string, to: string) => {
  for (let i = buf.indexOf(from, 0, 'latin1'); i >= 0; i = buf.indexOf(from, i + 4, 'latin1')) buf.write(to, i, 'latin1');
};

/**
 * HEIF files. sharp can only *encode* AV1-coded HEIF here, so: `decodable` is that file
 * branded 'heic' (sniffed as image/heic, decodable by this sharp); `hevc` additionally relabels
 * the coded image as HEVC ('hvc1'/'hvcC'), like an iPhone photo, which this sharp cannot decode.
 */
export async function heicSamples() {
  const avif = await solid(640, 480).heif({ compression: 'av1' }).toBuffer();
  const decodable = Buffer.from(avif);
  decodable.write('heic', 8, 'latin1');
  patchAll(decodable, 'avif', 'heic');
  const hevc = Buffer.from(decodable);
  patchAll(hevc, 'av01', 'hvc1');
  patchAll(hevc, 'av1C', 'hvcC');
  return { decodable, hevc };
}

/** A multipart/form-data body with one file part. */
export function multipart(bytes: Buffer, filename = 'photo.jpg', contentType = 'image/jpeg', field = 'file') {
  const boundary = `----closeloop${Math.random().toString(16).slice(2)}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\nContent-Type: ${contentType}\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return { payload: Buffer.concat([head, bytes, tail]), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}
