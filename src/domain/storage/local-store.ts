import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { assertStorageKey, isStorageKey } from './keys.js';
import { StorageUnavailableError } from './errors.js';
import type { ByteRange, FileStore, StoredObject } from './file-store.js';

/**
 * A folder on this machine (the single-machine default). Files are written to `tmp/` first and
 * renamed into place, so a reader never sees half a file.
 */
export class LocalFileStore implements FileStore {
  readonly kind = 'local' as const;
  constructor(readonly dir: string) {}

  get description() {
    return `local folder ${this.dir}`;
  }

  pathOf(key: string): string {
    assertStorageKey(key);
    return path.join(this.dir, key);
  }

  async has(key: string): Promise<boolean> {
    try {
      await fsp.access(this.pathOf(key));
      return true;
    } catch {
      return false;
    }
  }

  async putOnce(key: string, bytes: Buffer): Promise<boolean> {
    if (await this.has(key)) {
      const now = new Date();
      try {
        await fsp.utimes(this.pathOf(key), now, now);
        return false;
      } catch (err) {
        // Removed (by the sweep) since has(): write it again.
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new StorageUnavailableError('put', err);
      }
    }
    await this.put(key, bytes);
    return true;
  }

  async put(key: string, bytes: Buffer): Promise<void> {
    const final = this.pathOf(key);
    const tmpDir = path.join(this.dir, 'tmp');
    const tmp = path.join(tmpDir, `${randomUUID()}.part`);
    try {
      await fsp.mkdir(tmpDir, { recursive: true });
      await fsp.mkdir(path.dirname(final), { recursive: true });
      const fh = await fsp.open(tmp, 'wx');
      try {
        await fh.writeFile(bytes);
        await fh.sync();
      } finally {
        await fh.close();
      }
      // Same bytes → same name: if another upload won the race, renaming over it is harmless.
      await fsp.rename(tmp, final);
    } catch (err) {
      await fsp.rm(tmp, { force: true }).catch(() => undefined);
      throw new StorageUnavailableError('put', err);
    }
  }

  async putGenerated(objects: readonly { key: string; bytes: Buffer }[]): Promise<void> {
    for (const o of objects) assertStorageKey(o.key);
    const tmpDir = path.join(this.dir, 'tmp');
    const made = new Set<string>();
    const mkdir = (dir: string) => {
      if (made.has(dir)) return;
      fs.mkdirSync(dir, { recursive: true });
      made.add(dir);
    };
    try {
      mkdir(tmpDir);
      // Synchronous: a seed does nothing else meanwhile, and a flushless write is a few syscalls.
      for (const o of objects) {
        const final = this.pathOf(o.key);
        const tmp = path.join(tmpDir, `${randomUUID()}.part`);
        mkdir(path.dirname(final));
        fs.writeFileSync(tmp, o.bytes, { flag: 'wx' });
        fs.renameSync(tmp, final);
      }
    } catch (err) {
      throw new StorageUnavailableError('put', err);
    }
  }

  async delete(key: string): Promise<void> {
    const file = this.pathOf(key);
    try {
      await fsp.rm(file, { force: true });
    } catch (err) {
      throw new StorageUnavailableError('delete', err);
    }
  }

  async get(key: string): Promise<Buffer | null> {
    const file = this.pathOf(key);
    try {
      return await fsp.readFile(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new StorageUnavailableError('get', err);
    }
  }

  async open(key: string, range?: ByteRange) {
    const file = this.pathOf(key);
    try {
      const { size } = await fsp.stat(file);
      return { body: fs.createReadStream(file, range ? { start: range.start, end: range.end } : {}), size };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new StorageUnavailableError('open', err);
    }
  }

  async stat(key: string): Promise<StoredObject | null> {
    const file = this.pathOf(key);
    try {
      const st = await fsp.stat(file);
      return { size: st.size, modifiedAt: st.mtime };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new StorageUnavailableError('stat', err);
    }
  }

  async *entries(): AsyncIterable<{ key: string; modifiedAt: Date }> {
    for await (const key of this.list()) {
      const st = await this.stat(key);
      if (st) yield { key, modifiedAt: st.modifiedAt };
    }
  }

  async *list(): AsyncIterable<string> {
    const walk = async function* (dir: string, rel: string): AsyncIterable<string> {
      let entries: fs.Dirent[];
      try {
        entries = await fsp.readdir(dir, { withFileTypes: true });
      } catch {
        return;
      }
      for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
        const r = rel ? `${rel}/${e.name}` : e.name;
        if (e.isDirectory()) {
          if (r !== 'tmp') yield* walk(path.join(dir, e.name), r);
        } else if (isStorageKey(r)) yield r;
      }
    };
    yield* walk(this.dir, '');
  }

  async close(): Promise<void> {}
}
