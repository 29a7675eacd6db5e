import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import zlib from 'node:zlib';

/**
 * Noto Sans SC from the @fontsource/noto-sans-sc npm package (no system font assumed). The
 * package splits the font into ~100 WOFF files by unicode range; the ranges are read from the
 * package's own CSS, and text is written in runs, each with the file that holds its characters.
 */
export type Weight = 400 | 700;

interface Face {
  file: string;
  ranges: [number, number][];
}

const require = createRequire(import.meta.url);
const faces = new Map<Weight, Face[]>();

function packageDir(): string {
  return path.dirname(require.resolve('@fontsource/noto-sans-sc/package.json'));
}

function parseRanges(s: string): [number, number][] {
  return s.split(',').map((part) => {
    const [a, b] = part.trim().replace(/^U\+/i, '').split('-');
    const lo = parseInt(a!, 16);
    return [lo, b ? parseInt(b, 16) : lo];
  });
}

export function facesOf(weight: Weight): Face[] {
  const cached = faces.get(weight);
  if (cached) return cached;
  const dir = packageDir();
  const css = fs.readFileSync(path.join(dir, `${weight}.css`), 'utf8');
  const out: Face[] = [];
  for (const block of css.split('@font-face').slice(1)) {
    const file = /url\(\.\/files\/([^)]+\.woff)\)/.exec(block)?.[1];
    const range = /unicode-range:\s*([^;]+);/.exec(block)?.[1];
    if (file && range) out.push({ file: path.join(dir, 'files', file), ranges: parseRanges(range) });
  }
  if (!out.length) throw new Error('no font faces found in @fontsource/noto-sans-sc');
  faces.set(weight, out);
  return out;
}

const faceCache = new Map<string, string>();

/** The face file holding a code point (the Latin subset for anything unlisted). */
export function faceFor(weight: Weight, cp: number): string {
  const key = `${weight}:${cp}`;
  const hit = faceCache.get(key);
  if (hit) return hit;
  const file = findFace(weight, cp);
  faceCache.set(key, file);
  return file;
}

function findFace(weight: Weight, cp: number): string {
  const list = facesOf(weight);
  for (const f of list) for (const [lo, hi] of f.ranges) if (cp >= lo && cp <= hi) return f.file;
  const latin = list.find((f) => f.ranges.some(([lo, hi]) => lo <= 0x41 && hi >= 0x5a));
  return (latin ?? list[list.length - 1]!).file;
}

/** Splits text into runs of consecutive characters served by the same face file. */
export function runs(text: string, weight: Weight): { file: string; text: string }[] {
  const out: { file: string; text: string }[] = [];
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    // Spaces and line breaks stay in the current run so wrapping is unaffected.
    const file = (cp === 0x20 || cp === 0x0a) && out.length ? out[out.length - 1]!.file : faceFor(weight, cp);
    const last = out[out.length - 1];
    if (last && last.file === file) last.text += ch;
    else out.push({ file, text: ch });
  }
  return out;
}

const sfntCache = new Map<string, Buffer>();

/**
 * The face as a plain TrueType/OpenType buffer. WOFF 1.0 is the sfnt with zlib-compressed
 * tables; unpacking it once with node's zlib (cached) is far faster than fontkit's pure-JS
 * inflate on every document.
 */
export function sfntOf(file: string): Buffer {
  const cached = sfntCache.get(file);
  if (cached) return cached;
  const woff = fs.readFileSync(file);
  if (woff.toString('latin1', 0, 4) !== 'wOFF') throw new Error(`${file} is not WOFF 1.0`);
  const flavor = woff.readUInt32BE(4);
  const numTables = woff.readUInt16BE(12);
  const tables: { tag: number; checksum: number; data: Buffer }[] = [];
  for (let i = 0; i < numTables; i++) {
    const e = 44 + i * 20;
    const tag = woff.readUInt32BE(e);
    const offset = woff.readUInt32BE(e + 4);
    const compLength = woff.readUInt32BE(e + 8);
    const origLength = woff.readUInt32BE(e + 12);
    const checksum = woff.readUInt32BE(e + 16);
    const raw = woff.subarray(offset, offset + compLength);
    const data = compLength < origLength ? zlib.inflateSync(raw) : Buffer.from(raw);
    if (data.length !== origLength) throw new Error(`${file}: table ${i} unpacked to ${data.length}, expected ${origLength}`);
    tables.push({ tag, checksum, data });
  }
  let pow = 1;
  let log = 0;
  while (pow * 2 <= numTables) {
    pow *= 2;
    log++;
  }
  const head = Buffer.alloc(12 + numTables * 16);
  head.writeUInt32BE(flavor, 0);
  head.writeUInt16BE(numTables, 4);
  head.writeUInt16BE(pow * 16, 6);
  head.writeUInt16BE(log, 8);
  head.writeUInt16BE(numTables * 16 - pow * 16, 10);
  const parts: Buffer[] = [head];
  let offset = head.length;
  tables.forEach((t, i) => {
    const r = 12 + i * 16;
    head.writeUInt32BE(t.tag, r);
    head.writeUInt32BE(t.checksum, r + 4);
    head.writeUInt32BE(offset, r + 8);
    head.writeUInt32BE(t.data.length, r + 12);
    const padded = Buffer.alloc((t.data.length + 3) & ~3);
    t.data.copy(padded);
    parts.push(padded);
    offset += padded.length;
  });
  const out = Buffer.concat(parts);
  sfntCache.set(file, out);
  return out;
}
