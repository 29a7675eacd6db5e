import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
// @ts-expect-error s3rver ships no types
import S3rver from 's3rver';
import { freePort } from './instances.js';

export interface TestS3 {
  endpoint: string;
  bucket: string;
  /** s3rver's folder (an object's LastModified is its file's modification time there). */
  directory: string;
  /** The environment that points closeloop at this store. */
  env: Record<string, string>;
  close(): Promise<void>;
}

/** A real S3-protocol server (s3rver) on a free port with one bucket, in a temporary folder. */
export async function startS3(bucket = 'closeloop-test'): Promise<TestS3> {
  const port = await freePort();
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'closeloop-s3-'));
  const server = new S3rver({ port, address: '127.0.0.1', silent: true, directory, configureBuckets: [{ name: bucket, configs: [] }] });
  await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    bucket,
    directory,
    env: {
      STORAGE_BACKEND: 's3', S3_ENDPOINT: endpoint, S3_BUCKET: bucket, S3_REGION: 'us-east-1', S3_FORCE_PATH_STYLE: 'true',
      S3_ACCESS_KEY_ID: 'S3RVER', S3_SECRET_ACCESS_KEY: 'S3RVER',
    },
    async close() {
      await server.close();
      fs.rmSync(directory, { recursive: true, force: true });
    },
  };
}
