import sharp from 'sharp';
import { THUMB_SIZE } from '../../photos/images.js';
import { type Random, seededRandom } from '../../shared/random.js';

/**
 * Pictures for the generated history: a site as a field officer's phone would show it, with the
 * problem (满溢, bags on the ground, no containers) or after the fix. Drawn, not photographed, and
 * marked so in their EXIF (Software: closeloop demo). A few scenes per kind and state are rendered
 * once; each photo is one of them with its own EXIF segment (capture time, position, unique id),
 * so every photo has its own content and SHA-256 without encoding an image per photo.
 */
export type SceneKind = 'bin_room' | 'shop' | 'institution';
export type SceneState = 'problem' | 'fixed';

export const SCENE_WIDTH = 640;
export const SCENE_HEIGHT = 480;
const VARIANTS = 6;

/** Shanghai's four streams: 湿垃圾 brown, 干垃圾 black, 可回收物 blue, 有害垃圾 red. */
const BINS = ['#6b4a2b', '#2b2b2b', '#1f5fa8', '#b8322a'];
const BAGS = ['#f2f2f2', '#2f2f2f', '#3c7d3a', '#d9d2b0', '#5a8fc4'];

const rect = (x: number, y: number, w: number, h: number, fill: string, extra = '') => `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${w.toFixed(1)}" height="${h.toFixed(1)}" fill="${fill}" ${extra}/>`;
const ellipse = (x: number, y: number, rx: number, ry: number, fill: string) => `<ellipse cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" rx="${rx.toFixed(1)}" ry="${ry.toFixed(1)}" fill="${fill}"/>`;

function bags(r: Random, n: number, x0: number, x1: number, y0: number, y1: number): string {
  let out = '';
  for (let i = 0; i < n; i++) {
    const x = x0 + r.next() * (x1 - x0);
    const y = y0 + r.next() * (y1 - y0);
    out += ellipse(x, y, 14 + r.next() * 16, 10 + r.next() * 10, r.pick(BAGS));
  }
  return out;
}

function binRoom(r: Random, state: SceneState): string {
  const wall = r.pick(['#cfc6b8', '#d8d2c4', '#c4c9c8', '#e0d6c2']);
  const roofY = 60 + r.int(0, 30);
  let s = rect(0, 0, SCENE_WIDTH, SCENE_HEIGHT, wall) + rect(0, roofY - 30, SCENE_WIDTH, 30, '#4d6b57') + rect(0, 330, SCENE_WIDTH, 150, '#9a9a94');
  s += rect(40, roofY, 560, 270, '#b9b2a4');
  const x0 = 70 + r.int(0, 40);
  BINS.forEach((c, i) => {
    const x = x0 + i * 120;
    s += rect(x, 200, 90, 140, c, 'rx="6"');
    // Lids: open and overflowing with a problem, closed after the fix.
    if (state === 'problem' && i < 2) s += rect(x - 4, 170, 98, 14, c, `transform="rotate(-18 ${x} 190)"`) + bags(r, 3, x, x + 90, 180, 200);
    else s += rect(x - 4, 190, 98, 14, c, 'rx="3"');
  });
  if (state === 'problem') s += bags(r, 7 + r.int(0, 6), 40, 600, 350, 440);
  else s += rect(60, 420, 60, 8, '#8a8a84');
  return s;
}

function shop(r: Random, state: SceneState): string {
  const awning = r.pick(['#c0392b', '#2e7d5b', '#2c5aa0', '#d68a1f']);
  let s = rect(0, 0, SCENE_WIDTH, SCENE_HEIGHT, '#d7d3cc') + rect(0, 360, SCENE_WIDTH, 120, '#8f8f8a');
  s += rect(60, 80, 520, 280, '#efeae0') + rect(60, 60, 520, 50, awning);
  s += rect(110, 150, 180, 150, '#8fb3c9') + rect(350, 150, 110, 210, '#6e5a44');
  if (state === 'problem') s += bags(r, 6 + r.int(0, 5), 470, 600, 330, 400) + rect(500, 300, 70, 50, '#b08a5a');
  else {
    s += rect(480, 290, 45, 70, BINS[0]!, 'rx="4"') + rect(532, 290, 45, 70, BINS[1]!, 'rx="4"');
    s += rect(300, 100, 40, 30, '#2e7d5b');
  }
  return s;
}

function institution(r: Random, state: SceneState): string {
  const face = r.pick(['#e6e1d6', '#d9dde2', '#e8dccb']);
  let s = rect(0, 0, SCENE_WIDTH, SCENE_HEIGHT, '#b9c7d3') + rect(0, 370, SCENE_WIDTH, 110, '#8c8c86');
  s += rect(40, 40, 560, 330, face);
  for (let row = 0; row < 3; row++) for (let col = 0; col < 6; col++) s += rect(70 + col * 88, 70 + row * 80, 56, 50, '#7f9db5');
  if (state === 'problem') s += bags(r, 8 + r.int(0, 5), 60, 300, 380, 450);
  else BINS.forEach((c, i) => (s += rect(80 + i * 60, 320, 48, 70, c, 'rx="4"')));
  return s;
}

const DRAW: Record<SceneKind, (r: Random, state: SceneState) => string> = { bin_room: binRoom, shop, institution };

/** Light and angle vary between scenes, as between two phones. */
function svg(kind: SceneKind, state: SceneState, variant: number): Buffer {
  const r = seededRandom(((kind.length * 31 + (state === 'problem' ? 7 : 13)) * 101 + variant) >>> 0);
  const shade = (r.next() * 0.25).toFixed(2);
  const tilt = (r.next() * 4 - 2).toFixed(1);
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${SCENE_WIDTH}" height="${SCENE_HEIGHT}">` +
      `<g transform="rotate(${tilt} 320 240) translate(-12 -10) scale(1.04)">${DRAW[kind](r, state)}</g>` +
      `<rect width="${SCENE_WIDTH}" height="${SCENE_HEIGHT}" fill="#000" opacity="${shade}"/></svg>`,
  );
}

export interface Scene {
  jpeg: Buffer;
  thumb: Buffer;
}

let scenes: Promise<Map<string, Scene>> | undefined;
const sceneKey = (kind: SceneKind, state: SceneState, variant: number) => `${kind}:${state}:${variant}`;

/** Every scene, rendered once per process. */
function allScenes(): Promise<Map<string, Scene>> {
  scenes ??= (async () => {
    // Each scene is rendered once: libvips' cache would only hold memory (as in lazy-modules.ts).
    sharp.cache(false);
    const out = new Map<string, Scene>();
    const jobs: Promise<void>[] = [];
    for (const kind of Object.keys(DRAW) as SceneKind[]) {
      for (const state of ['problem', 'fixed'] as const) {
        for (let v = 0; v < VARIANTS; v++) {
          jobs.push(
            (async () => {
              const jpeg = await sharp(svg(kind, state, v)).jpeg({ quality: 78, mozjpeg: true }).toBuffer();
              const thumb = await sharp(jpeg).resize(THUMB_SIZE, THUMB_SIZE, { fit: 'inside' }).jpeg({ quality: 75, mozjpeg: true }).toBuffer();
              out.set(sceneKey(kind, state, v), { jpeg, thumb });
            })(),
          );
        }
      }
    }
    await Promise.all(jobs);
    return out;
  })();
  return scenes;
}

export async function scene(kind: SceneKind, state: SceneState, variant: number): Promise<Scene> {
  return (await allScenes()).get(sceneKey(kind, state, ((variant % VARIANTS) + VARIANTS) % VARIANTS))!;
}

export interface PhotoExifTags {
  /** Capture instant; written as Shanghai wall-clock time with OffsetTimeOriginal +08:00. */
  takenAt: Date;
  lat: number;
  lng: number;
  /** 32 hex digits (EXIF ImageUniqueID) */
  uniqueId: string;
}

/** EXIF: ASCII value with its terminating NUL. */
const ascii = (s: string) => Buffer.from(`${s}\0`, 'latin1');

function dms(deg: number): Buffer {
  const a = Math.abs(deg);
  const d = Math.floor(a);
  const m = Math.floor((a - d) * 60);
  const s = Math.round(((a - d) * 60 - m) * 60 * 10_000);
  const b = Buffer.alloc(24);
  [d, 1, m, 1, s, 10_000].forEach((v, i) => b.writeUInt32BE(v, i * 4));
  return b;
}

const TYPE = { BYTE: 1, ASCII: 2, LONG: 4, RATIONAL: 5 } as const;
const SIZE: Record<number, number> = { 1: 1, 2: 1, 4: 4, 5: 8 };
interface Tag {
  tag: number;
  type: number;
  count: number;
  data: Buffer;
}

/**
 * A big-endian TIFF structure: IFD0 (Software, pointers to the Exif and GPS IFDs), the Exif IFD
 * (DateTimeOriginal, OffsetTimeOriginal, ImageUniqueID) and the GPS IFD. Values longer than four
 * bytes follow each IFD.
 */
function tiff(t: PhotoExifTags): Buffer {
  const wall = new Date(t.takenAt.getTime() + 8 * 3_600_000).toISOString();
  const when = `${wall.slice(0, 4)}:${wall.slice(5, 7)}:${wall.slice(8, 10)} ${wall.slice(11, 19)}`;
  const exifIfd: Tag[] = [
    { tag: 0x9003, type: TYPE.ASCII, count: 20, data: ascii(when) },
    { tag: 0x9011, type: TYPE.ASCII, count: 7, data: ascii('+08:00') },
    { tag: 0xa420, type: TYPE.ASCII, count: 33, data: ascii(t.uniqueId) },
  ];
  const gpsIfd: Tag[] = [
    { tag: 0x0000, type: TYPE.BYTE, count: 4, data: Buffer.from([2, 3, 0, 0]) },
    { tag: 0x0001, type: TYPE.ASCII, count: 2, data: ascii(t.lat >= 0 ? 'N' : 'S') },
    { tag: 0x0002, type: TYPE.RATIONAL, count: 3, data: dms(t.lat) },
    { tag: 0x0003, type: TYPE.ASCII, count: 2, data: ascii(t.lng >= 0 ? 'E' : 'W') },
    { tag: 0x0004, type: TYPE.RATIONAL, count: 3, data: dms(t.lng) },
  ];
  const software = ascii('closeloop demo');
  const ifdSize = (tags: Tag[]) => 2 + tags.length * 12 + 4 + tags.reduce((a, x) => a + (x.data.length > 4 ? x.data.length + (x.data.length % 2) : 0), 0);
  const ifd0: Tag[] = [
    { tag: 0x0131, type: TYPE.ASCII, count: software.length, data: software },
    { tag: 0x8769, type: TYPE.LONG, count: 1, data: Buffer.alloc(4) },
    { tag: 0x8825, type: TYPE.LONG, count: 1, data: Buffer.alloc(4) },
  ];
  const at0 = 8;
  const atExif = at0 + ifdSize(ifd0);
  const atGps = atExif + ifdSize(exifIfd);
  ifd0[1]!.data.writeUInt32BE(atExif);
  ifd0[2]!.data.writeUInt32BE(atGps);
  const out = Buffer.alloc(atGps + ifdSize(gpsIfd));
  out.write('MM\0*', 0, 'latin1');
  out.writeUInt32BE(at0, 4);
  const writeIfd = (tags: Tag[], at: number) => {
    out.writeUInt16BE(tags.length, at);
    let extra = at + 2 + tags.length * 12 + 4;
    tags.forEach((x, i) => {
      const e = at + 2 + i * 12;
      out.writeUInt16BE(x.tag, e);
      out.writeUInt16BE(x.type, e + 2);
      out.writeUInt32BE(x.count, e + 4);
      if (x.count * SIZE[x.type]! <= 4) x.data.copy(out, e + 8);
      else {
        out.writeUInt32BE(extra, e + 8);
        x.data.copy(out, extra);
        extra += x.data.length + (x.data.length % 2);
      }
    });
    out.writeUInt32BE(0, at + 2 + tags.length * 12);
  };
  writeIfd(ifd0, at0);
  writeIfd(exifIfd, atExif);
  writeIfd(gpsIfd, atGps);
  return out;
}

/** The JPEG with an APP1 Exif segment inserted after its JFIF header (or its SOI). */
export function withExif(jpeg: Buffer, tags: PhotoExifTags): Buffer {
  if (jpeg[0] !== 0xff || jpeg[1] !== 0xd8) throw new Error('not a JPEG');
  let at = 2;
  if (jpeg[2] === 0xff && jpeg[3] === 0xe0) at = 4 + jpeg.readUInt16BE(4);
  const body = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff(tags)]);
  const head = Buffer.alloc(4);
  head.writeUInt16BE(0xffe1, 0);
  head.writeUInt16BE(body.length + 2, 2);
  return Buffer.concat([jpeg.subarray(0, at), head, body, jpeg.subarray(at)]);
}
