/**
 * The S3-compatible object store the sealed archive is copied to (docs/archive.md "The object
 * store"): a few whole-object calls, keys relative to the archive folder (`2026-11-30/09.ndjson.gz`,
 * `days/2026-11-27.list`) under the configured prefix. Path-style addressing, so MinIO, Ceph and
 * OSS endpoints work as AWS does.
 */
import crypto from 'node:crypto';
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type S3ServiceException,
} from '@aws-sdk/client-s3';
import type { ArchiveStoreConfig } from '../config/env.ts';

export interface ObjectStore {
  /** `bucket/prefix`, for logs and messages. */
  readonly where: string;
  /**
   * Puts the bytes (with their Content-MD5, so the store refuses a body damaged on the way), then
   * checks with a HEAD that the store holds that many bytes with that MD5 as ETag. Putting the same
   * bytes again is harmless: an upload repeated after a crash.
   */
  put(key: string, body: Buffer): Promise<void>;
  /** The object's bytes, or null when there is none. */
  get(key: string): Promise<Buffer | null>;
  /** The names directly under `folder` (relative keys, "" for the top): sub-folders end in "/". */
  list(folder: string): Promise<string[]>;
  /** Deletes the objects (relative keys); an absent one is no error. */
  remove(keys: string[]): Promise<void>;
  close(): void;
}

export class ObjectStoreError extends Error {
  override name = 'ObjectStoreError';
}

export function createObjectStore(cfg: ArchiveStoreConfig): ObjectStore {
  const client = new S3Client({
    endpoint: cfg.endpoint,
    region: cfg.region,
    forcePathStyle: true,
    credentials: { accessKeyId: cfg.accessKeyId, secretAccessKey: cfg.secretAccessKey },
    // the SDK's default CRC checksums are not known to every S3-compatible store; Content-MD5 is
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    // the uploader retries with its own backoff; a reader should fail fast to its caller
    maxAttempts: 2,
  });
  const Bucket = cfg.bucket;
  const full = (key: string) => `${cfg.prefix}/${key}`;

  return {
    where: `${cfg.bucket}/${cfg.prefix}`,
    async put(key, body) {
      const md5 = crypto.createHash('md5').update(body).digest();
      await client.send(new PutObjectCommand({ Bucket, Key: full(key), Body: body, ContentMD5: md5.toString('base64'), ContentLength: body.length }));
      const head = await client.send(new HeadObjectCommand({ Bucket, Key: full(key) }));
      const etag = (head.ETag ?? '').replace(/"/g, '');
      if (head.ContentLength !== body.length || etag !== md5.toString('hex'))
        throw new ObjectStoreError(
          `${full(key)}: the store holds ${String(head.ContentLength)} bytes with ETag ${etag}, not the ${body.length} bytes put (MD5 ${md5.toString('hex')})`,
        );
    },
    async get(key) {
      try {
        const out = await client.send(new GetObjectCommand({ Bucket, Key: full(key) }));
        if (!out.Body) return Buffer.alloc(0);
        return Buffer.from(await out.Body.transformToByteArray());
      } catch (err) {
        if (isNotFound(err)) return null;
        throw err;
      }
    },
    async list(folder) {
      const Prefix = full(folder);
      const names: string[] = [];
      let ContinuationToken: string | undefined;
      do {
        const page = await client.send(new ListObjectsV2Command({ Bucket, Prefix, Delimiter: '/', ContinuationToken }));
        for (const p of page.CommonPrefixes ?? []) if (p.Prefix) names.push(p.Prefix.slice(Prefix.length));
        for (const o of page.Contents ?? []) if (o.Key) names.push(o.Key.slice(Prefix.length));
        ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (ContinuationToken);
      return names;
    },
    async remove(keys) {
      // DeleteObjects takes at most 1000 keys
      for (let i = 0; i < keys.length; i += 1000) {
        const out = await client.send(
          new DeleteObjectsCommand({ Bucket, Delete: { Objects: keys.slice(i, i + 1000).map((k) => ({ Key: full(k) })), Quiet: true } }),
        );
        if (out.Errors && out.Errors.length > 0)
          throw new ObjectStoreError(`deleting ${out.Errors.length} object(s) failed: ${out.Errors[0]!.Key ?? ''} ${out.Errors[0]!.Message ?? ''}`);
      }
    },
    close() {
      client.destroy();
    },
  };
}

function isNotFound(err: unknown): boolean {
  const e = err as Partial<S3ServiceException>;
  // a missing bucket is a configuration error, not an absent object
  if (e.name === 'NoSuchBucket') return false;
  return e.name === 'NoSuchKey' || e.name === 'NotFound' || e.$metadata?.httpStatusCode === 404;
}
