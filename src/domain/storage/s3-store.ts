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
import type { FileStore } from './file-store.js';

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
    const Key = this.objectKey(key);
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.o.bucket, Key }));
      return true;
    } catch (err) {
      if (notFound(err)) return false;
      throw new StorageUnavailableError('has', err);
    }
  }

  async putOnce(key: string, bytes: Buffer): Promise<boolean> {
    if (await this.has(key)) return false;
    await this.put(key, bytes);
    return true;
  }

  async put(key: string, bytes: Buffer): Promise<void> {
    const Key = this.objectKey(key);
    await storeCall('put', () =>
      this.client.send(new PutObjectCommand({ Bucket: this.o.bucket, Key, Body: bytes, ContentLength: bytes.length, ContentType: 'application/octet-stream' })),
    );
  }

  async delete(key: string): Promise<void> {
    const Key = this.objectKey(key);
    await storeCall('delete', () => this.client.send(new DeleteObjectCommand({ Bucket: this.o.bucket, Key })));
  }

  async open(key: string) {
    const Key = this.objectKey(key);
    try {
      const res = await this.client.send(new GetObjectCommand({ Bucket: this.o.bucket, Key }));
      const body = res.Body as Readable | undefined;
      if (!body) return null;
      return { body: body instanceof Readable ? body : Readable.from(body as AsyncIterable<Uint8Array>), size: Number(res.ContentLength ?? 0) };
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
    let token: string | undefined;
    const strip = this.o.prefix ? `${this.o.prefix}/` : '';
    do {
      const res = await storeCall('list', () => this.client.send(new ListObjectsV2Command({ Bucket: this.o.bucket, Prefix: strip || undefined, ContinuationToken: token })));
      for (const o of res.Contents ?? []) {
        const k = (o.Key ?? '').slice(strip.length);
        if (isStorageKey(k)) yield k;
      }
      token = res.IsTruncated ? res.NextContinuationToken : undefined;
    } while (token);
  }

  async close(): Promise<void> {
    this.client.destroy();
  }
}
