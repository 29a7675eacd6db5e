import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

/**
 * Content-addressed photo files under the configured folder: `ab/cd/<sha256>` for the original,
 * `ab/cd/<sha256>.thumb.jpg` for its thumbnail. The same bytes are stored once. Files are
 * written to `tmp/` first and renamed into place, so a reader never sees half a file.
 */
export const originalKey = (sha256: string) => `${sha256.slice(0, 2)}/${sha256.slice(2, 4)}/${sha256}`;
export const thumbKey = (sha256: string) => `${originalKey(sha256)}.thumb.jpg`;

const KEY_RE = /^[0-9a-f]{2}\/[0-9a-f]{2}\/[0-9a-f]{64}(\.thumb\.jpg)?$/;

/** Absolute path of a stored key; refuses anything that is not one of our keys. */
export function keyPath(photoDir: string, key: string): string {
  if (!KEY_RE.test(key)) throw new Error(`not a photo storage key: ${key}`);
  return path.join(photoDir, key);
}

async function exists(p: string): Promise<boolean> {
  try {
    await fs.access(p);
    return true;
  } catch {
    return false;
  }
}

/** Stores bytes under a key unless already there; returns whether a new file was written. */
export async function putOnce(photoDir: string, key: string, bytes: Buffer): Promise<boolean> {
  const final = keyPath(photoDir, key);
  if (await exists(final)) return false;
  const tmpDir = path.join(photoDir, 'tmp');
  await fs.mkdir(tmpDir, { recursive: true });
  await fs.mkdir(path.dirname(final), { recursive: true });
  const tmp = path.join(tmpDir, `${randomUUID()}.part`);
  try {
    const fh = await fs.open(tmp, 'wx');
    try {
      await fh.writeFile(bytes);
      await fh.sync();
    } finally {
      await fh.close();
    }
    // Same bytes → same name: if another upload won the race, renaming over it is harmless.
    await fs.rename(tmp, final);
    return true;
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw err;
  }
}
