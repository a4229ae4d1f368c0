/**
 * A real S3-compatible server for the object-store tests: s3rver (the S3 REST protocol over HTTP,
 * objects in a folder), in this process, on a free port. It can be stopped and started again on
 * the same port and folder: the store down, then back.
 */
import fs from 'node:fs';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

interface S3rverInstance {
  run(): Promise<{ address: string; port: number }>;
  close(): Promise<void>;
  httpServer?: Server;
}
type S3rverClass = new (opts: { address: string; port: number; silent: boolean; directory: string; configureBuckets?: { name: string }[] }) => S3rverInstance;
// s3rver is CommonJS without types
const S3rver = createRequire(import.meta.url)('s3rver') as S3rverClass;

export interface TestS3 {
  url: string;
  bucket: string;
  /** The folder s3rver keeps the objects in. */
  directory: string;
  /** The env of a hub using it (with its own folder in the bucket). */
  env(prefix: string): Record<string, string>;
  /** The store goes away (connections cut) … */
  down(): Promise<void>;
  /** … and comes back on the same port with the same objects. */
  up(): Promise<void>;
  stop(): Promise<void>;
}

export const TEST_S3_KEY = 'S3RVER';

export async function startTestS3(bucket = 'yg-archive'): Promise<TestS3> {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'yg-s3-'));
  let port = 0;
  let server: S3rverInstance | null = null;
  const up = async () => {
    const instance = new S3rver({ address: '127.0.0.1', port, silent: true, directory, configureBuckets: [{ name: bucket }] });
    port = (await instance.run()).port;
    server = instance;
  };
  const down = async () => {
    const s = server;
    server = null;
    if (!s) return;
    const closed = s.close();
    s.httpServer?.closeAllConnections();
    await closed;
  };
  await up();
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    bucket,
    directory,
    env: (prefix) => ({
      ARCHIVE_S3_URL: url,
      ARCHIVE_S3_BUCKET: bucket,
      ARCHIVE_S3_PREFIX: prefix,
      ARCHIVE_S3_ACCESS_KEY: TEST_S3_KEY,
      ARCHIVE_S3_SECRET_KEY: TEST_S3_KEY,
    }),
    down,
    up,
    async stop() {
      await down();
      fs.rmSync(directory, { recursive: true, force: true });
    },
  };
}
