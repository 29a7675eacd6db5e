import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerStorageCommands } from '../../src/cli/storage-commands.js';
import { readConfig } from '../../src/config.js';
import { createDatabase, migrateToLatest } from '../../src/db/index.js';
import { originalKey } from '../../src/domain/storage/keys.js';
import { LocalFileStore } from '../../src/domain/storage/local-store.js';
import { runCli } from '../helpers/cli.js';
import { DIALECTS, scratchCliDatabase } from '../helpers/db.js';
import { startS3, type TestS3 } from '../helpers/s3.js';

const S3_VARS = ['S3_ENDPOINT', 'S3_FORCE_PATH_STYLE', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY', 'S3_REGION'] as const;

let s3: TestS3;
const saved: Record<string, string | undefined> = {};
beforeAll(async () => {
  s3 = await startS3();
  for (const k of S3_VARS) {
    saved[k] = process.env[k];
    process.env[k] = s3.env[k];
  }
});
afterAll(async () => {
  for (const k of S3_VARS) if (saved[k] === undefined) delete process.env[k]; else process.env[k] = saved[k];
  await s3.close();
});

for (const dialect of DIALECTS) {
  describe(`closeloop storage migrate when a store fails [${dialect}]`, () => {
    it('names the store’s own error (NoSuchBucket), exits 1, and a re-run to a working store copies and verifies', async () => {
      const scratch = await scratchCliDatabase(dialect);
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'closeloop-migrate-cli-'));
      try {
        const handle = createDatabase(readConfig().database);
        await migrateToLatest(handle.db);
        const bytes = Buffer.from('a photo to move');
        const sha = createHash('sha256').update(bytes).digest('hex');
        const at = '2026-05-26T02:30:00.000Z';
        await handle.db.insertInto('users').values({
          id: 'u-1', username: 'patrol-x', display_name: '巡查员', phone: null, password_hash: 'x', role: 'patrol', subdistrict_id: null, handling_unit_id: null,
          cert_number: null, status: 'active', failed_logins: 0, locked_until: null, created_at: at, updated_at: at,
        }).execute();
        await handle.db.insertInto('photos').values({
          id: 'ph-1', subdistrict_id: null, uploaded_by: 'u-1', sha256: sha, mime: 'image/jpeg', bytes: bytes.length, width: 1, height: 1,
          storage_key: originalKey(sha), thumb_key: null, exif_taken_at: null, exif_lat: null, exif_lng: null, created_at: '2026-05-26T02:30:00.000Z',
        }).execute();
        await handle.destroy();
        const src = path.join(dir, 'src');
        await new LocalFileStore(src).putOnce(originalKey(sha), bytes);

        const failed = await runCli(registerStorageCommands, 'storage', 'migrate', '--from', `local:${src}`, '--to', 's3://no-such-bucket');
        expect(failed.failed).toBe(true);
        expect(failed.err).toMatch(/storage_unavailable|File storage is unavailable/);
        expect(failed.err).toMatch(/NoSuchBucket/);
        expect(failed.err).toMatch(/run the same command again/);

        const ok = await runCli(registerStorageCommands, 'storage', 'migrate', '--from', `local:${src}`, '--to', `s3://${s3.bucket}/cli-${dialect}`);
        expect(ok.failed, ok.err).toBe(false);
        expect(ok.out).toMatch(/1 files: 1 copied, 0 already there, 0 replaced .*1 verified by SHA-256/);
      } finally {
        await scratch.release();
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}
