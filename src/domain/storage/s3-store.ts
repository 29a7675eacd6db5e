import { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { assertStorageKey, isStorageKey } from './keys.js';
import { storeCall, StorageUnavailableError } from './errors.js';
import type { ByteRange, FileStore, StoredObject } from './file-store.js';

export interface S3StoreOptions {
  /** e.g. https://oss-cn-shanghai.aliyuncs.com, http://minio:9000; empty for AWS itself. */
  endpoint: string;
  bucket: string;
  region: string;
  /** MinIO and most self-hosted stores need path-style URLs; OSS and OBS use virtual-hosted. */
  forcePathStyle: boolean;
  accessKeyId: string;
  secretAccessKey: string;
  /** Optional folder inside the bucket (no leading or trailing slash). */
  prefix: string;
}

/** An existing object older than this is written again by putOnce, renewing its age for the orphan sweep. */
export const RENEW_AFTER_MS = 3600_000;

const notFound = (err: unknown) =>
  err instanceof S3ServiceException && (err.$metadata.httpStatusCode === 404 || err.name === 'NoSuchKey' || err.name === 'NotFound');

/**
 * S3-compatible object storage (MinIO, 阿里云 OSS, 华为 OBS, AWS) through @aws-sdk/client-s3:
 * what lets several instances serve the same photos. A put is a single PUT, so readers see
 * either no object or the whole one.
 */
export class S3FileStore implements FileStore {
  readonly kind = 's3' as const;
  private readonly client: S3Client;

  constructor(private readonly o: S3StoreOptions) {
    this.client = new S3Client({
      region: o.region,
      ...(o.endpoint ? { endpoint: o.endpoint } : {}),
      forcePathStyle: o.forcePathStyle,
      ...(o.accessKeyId ? { credentials: { accessKeyId: o.accessKeyId, secretAccessKey: o.secretAccessKey } } : {}),
      // Only ask for checksums where the store requires them: S3-compatible stores vary.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  get description() {
    return `s3 bucket ${this.o.bucket}${this.o.prefix ? `/${this.o.prefix}` : ''}${this.o.endpoint ? ` at ${this.o.endpoint}` : ''}`;
  }

  private objectKey(key: string): string {
    assertStorageKey(key);
    return this.o.prefix ? `${this.o.prefix}/${key}` : key;
  }

  /**
   * A missing object answers 404 (NoSuchKey, NotFound); any other failure (endpoint down,
   * AccessDenied, a timeout) is the store's, not the object's. (A HEAD in a missing bucket is a
   * bare 404 too: the PUT or GET that follows names NoSuchBucket.)
   */
  async has(key: string): Promise<boolean> {
    return (await this.stat(key)) !== null;
  }

  async stat(key: string): Promise<StoredObject | null> {
    const Key = this.objectKey(key);
    try {
      const res = await this.client.send(new HeadObjectCommand({ Bucket: this.o.bucket, Key }));
      return { size: Number(res.ContentLength ?? 0), modifiedAt: res.LastModified ?? new Date() };
    } catch (err) {
      if (notFound(err)) return null;
      throw new StorageUnavailableError('has', err);
    }
  }

  /**
   * An object already there is renewed when it is older than RENEW_AFTER_MS, by writing the same
   * bytes again: S3 cannot touch an object, and a copy onto itself does not renew LastModified on
   * every S3-compatible store. Younger objects are left as they are (the sweep's grace is far longer).
   */
  async putOnce(key: string, bytes: Buffer): Promise<boolean> {
    const there = await this.stat(key);
    if (there && Date.now() - there.modifiedAt.getTime() < RENEW_AFTER_MS) return false;
    await this.put(key, bytes);
    return !there;
  }

  async put(key: string, bytes: Buffer): Promise<void> {
    const Key = this.objectKey(key);
    await storeCall('put', () =>
      this.client.send(new PutObjectCommand({ Bucket: this.o.bucket, Key, Body: bytes, ContentLength: bytes.length, ContentType: 'application/octet-stream' })),
    );
  }

  async putGenerated(objects: readonly { key: string; bytes: Buffer }[]): Promise<void> {
    for (const o of objects) assertStorageKey(o.key);
    let next = 0;
    const worker = async () => {
      while (next < objects.length) {
        const o = objects[next++]!;
        await this.put(o.key, o.bytes);
      }
    };
    await Promise.all(Array.from({ length: Math.min(16, objects.length) }, worker));
  }

  async delete(key: string): Promise<void> {
    const Key = this.objectKey(key);
    await storeCall('delete', () => this.client.send(new DeleteObjectCommand({ Bucket: this.o.bucket, Key })));
  }

  async open(key: string, range?: ByteRange) {
    const Key = this.objectKey(key);
    try {
      const res = await this.client.send(new GetObjectCommand({ Bucket: this.o.bucket, Key, ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}) }));
      const body = res.Body as Readable | undefined;
      if (!body) return null;
      // A ranged answer's ContentLength is the part's; the whole's size is after the slash of Content-Range.
      const whole = range ? Number(/\/(\d+)$/.exec(res.ContentRange ?? '')?.[1] ?? Number.NaN) : Number(res.ContentLength ?? 0);
      return { body: body instanceof Readable ? body : Readable.from(body as AsyncIterable<Uint8Array>), size: whole };
    } catch (err) {
      if (notFound(err) && (err as { name?: string }).name !== 'NoSuchBucket') return null;
      throw new StorageUnavailableError('open', err);
    }
  }

  async get(key: string): Promise<Buffer | null> {
    const o = await this.open(key);
    if (!o) return null;
    return storeCall('get', async () => {
      const chunks: Buffer[] = [];
      for await (const c of o.body) chunks.push(Buffer.from(c as Uint8Array));
      return Buffer.concat(chunks);
    });
  }

  async *list(): AsyncIterable<string> {
    for await (const e of this.entries()) yield e.key;
  }

  /** A store that gives no modification time counts it as just written: the sweep leaves it. */
  async *entries(): AsyncIterable<{ key: string; modifiedAt: Date }> {
    let token: string | undefined;
    const strip = this.o.prefix ? `${this.o.prefix}/` : '';
    do {
      const res = await storeCall('list', () => this.client.send(new ListObjectsV2Command({ Bucket: this.o.bucket, Prefix: strip || undefined, ContinuationToken: token })));
      for (const o of res.Contents ?? []) {
        const k = (o.Key ?? '').slice(strip.length);
        if (isStorageKey(k)) yield { key: k, modifiedAt: o.LastModified ?? new Date() };
      }
      token = res.IsTruncated ? res.NextContinuationToken : undefined;
    } while (token);
  }

  async close(): Promise<void> {
    this.client.destroy();
  }
}
