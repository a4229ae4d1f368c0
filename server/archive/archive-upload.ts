/**
 * The copy of the archive to an S3-compatible object store (docs/archive.md "The object store").
 * The folder stays the working area: segments are appended and sealed there. Each sealed segment
 * is then put in the bucket under the same relative name: the segment, its manifest, its name added
 * to the bucket's day list of every event day it holds, and its checksum file last (as in the
 * folder, a segment with its checksum is whole). Then a marker `HH.uploaded` beside it in the folder
 * says it is done: the queue is the sealed segments without a marker, which survives restarts and
 * is seen by every hub sharing the folder. A crash before the marker puts the same bytes again.
 *
 * Runs on the hub that holds the archive writer's lease (one uploader at a time, so the bucket's day
 * lists are read, extended and put by one process). The store down: retried with a growing wait, the
 * backlog and its age on /healthz and /metrics, a health warning once it fails for long.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { Gauge, type Registry } from 'prom-client';
import { z } from 'zod';
import { DAY_MS, dateOfDayIndex, dayIndexOf } from '../../common/time.ts';
import type { RedisClient } from '../redis/connect.ts';
import type { RedisKeys } from '../redis/keys.ts';
import { parseJson } from '../redis/migrations/migration.ts';
import { createBackgroundLoop } from '../util/background-loop.ts';
import {
  CHECKSUM_SUFFIX,
  DAY_INDEX_DIR,
  MANIFEST_SUFFIX,
  msOfSid,
  parseSegmentName,
  SEGMENT_SUFFIX,
  type SegmentManifest,
  type SegmentName,
} from './archive-layout.ts';
import type { ObjectStore } from './object-store.ts';
import { readIfExists, sha256Of } from './segment-file.ts';

export const UPLOADED_SUFFIX = '.uploaded';

/**
 * What /healthz `archive.upload` shows: written to Redis by the uploading hub, read by any, so it is
 * checked when read (a hub of another version, or anything else, may have written the key).
 */
export const uploadStatusSchema = z.object({
  /** `bucket/prefix`. */
  store: z.string(),
  /** Sealed segments not in the bucket yet. */
  waiting: z.number().int().nonnegative(),
  /** Seconds since the oldest waiting segment was sealed (0: none waits). */
  oldestWaitingSeconds: z.number().nonnegative(),
  /** Epoch ms of the last segment put, or null. */
  lastUploadAt: z.number().nullable(),
  /** The last failure while the store fails, else null. */
  error: z.string().nullable(),
  /** Epoch ms since when every attempt failed, or null. */
  failingSince: z.number().nullable(),
  /** The store has failed for longer than the warning threshold with segments waiting. */
  stalled: z.boolean(),
  /** When this status was written (epoch ms). */
  at: z.number(),
});
export type UploadStatus = z.infer<typeof uploadStatusSchema>;

export interface ArchiveUploaderOptions {
  dir: string;
  store: ObjectStore;
  redis: RedisClient;
  keys: RedisKeys;
  log: Logger;
  now: () => number;
  /** Arrival days the bucket keeps (ARCHIVE_DAYS); older objects are deleted, checked hourly. */
  keepDays: number;
  /** Whether this hub should upload now: it holds the archive writer's lease. */
  active: () => boolean;
  /** Wait between passes that found nothing to do. @default 5000 */
  idleMs?: number;
  /** The longest wait between retries while the store fails. @default 60000 */
  maxBackoffMs?: number;
  /** A store failing this long with segments waiting raises the health warning. @default 900000 (15 min) */
  warnAfterMs?: number;
}

export interface ArchiveUploader {
  start(): void;
  stop(): Promise<void>;
  /** One pass now (tests): uploads what waits; answers how many segments it put. */
  pass(): Promise<number>;
  /** Whether every sealed segment of the arrival date is in the bucket and none of it is still open. */
  dateUploaded(date: string): Promise<boolean>;
  readonly stats: { uploaded: number; failures: number; deletedObjects: number };
}

export function createArchiveUploader(opts: ArchiveUploaderOptions): ArchiveUploader {
  const { dir, store, log } = opts;
  const idleMs = opts.idleMs ?? 5000;
  const maxBackoffMs = opts.maxBackoffMs ?? 60_000;
  const warnAfterMs = opts.warnAfterMs ?? 15 * 60_000;
  const stats = { uploaded: 0, failures: 0, deletedObjects: 0 };
  /** Past arrival dates found wholly uploaded: not listed again by this process. */
  const doneDates = new Set<string>();
  let lastUploadAt: number | null = null;
  let failingSince: number | null = null;
  let lastError: string | null = null;
  let lastRetention = 0;

  async function dateDirs(): Promise<string[]> {
    const names = await fs.promises.readdir(dir).catch(() => [] as string[]);
    return names.filter((n) => /^\d{4}-\d{2}-\d{2}$/.test(n)).sort();
  }

  /** The date's sealed segments without their marker, and whether any segment is still open. */
  async function scanDate(date: string): Promise<{ waiting: SegmentName[]; open: boolean }> {
    const files = new Set(await fs.promises.readdir(path.join(dir, date)).catch(() => [] as string[]));
    const waiting: SegmentName[] = [];
    let open = false;
    for (const f of files) {
      if (!f.endsWith(SEGMENT_SUFFIX)) continue;
      const hour = f.slice(0, -SEGMENT_SUFFIX.length);
      if (!files.has(`${hour}${CHECKSUM_SUFFIX}`)) {
        open = true;
        continue;
      }
      if (files.has(`${hour}${UPLOADED_SUFFIX}`)) continue;
      const segment = parseSegmentName(`${date}/${hour}`);
      if (segment) waiting.push(segment);
    }
    return { waiting: waiting.sort((a, b) => a.startMs - b.startMs), open };
  }

  /** Every sealed segment not in the bucket yet, oldest first. */
  async function waitingSegments(): Promise<SegmentName[]> {
    // the writer's cursor, not a clock: no entry after it can land in an hour that ended before it
    const cursor = await opts.redis.get(opts.keys.archiveCursor);
    const archivedUntil = cursor ? msOfSid(cursor) : 0;
    const out: SegmentName[] = [];
    for (const date of await dateDirs()) {
      if (doneDates.has(date)) continue;
      const { waiting, open } = await scanDate(date);
      out.push(...waiting);
      // a date the archive has passed, with nothing open and nothing waiting, never changes again
      const end = parseSegmentName(`${date}/23`)?.endMs ?? Infinity;
      if (waiting.length === 0 && !open && end < archivedUntil) doneDates.add(date);
    }
    return out;
  }

  const rel = (segment: SegmentName, suffix: string) => `${segment.date}/${segment.hour}${suffix}`;

  /** Puts one sealed segment and what goes with it; the marker last. */
  async function upload(segment: SegmentName): Promise<void> {
    const local = (suffix: string) => readIfExists(path.join(dir, rel(segment, suffix)));
    const [bytes, checksum, manifestRaw] = await Promise.all([local(SEGMENT_SUFFIX), local(CHECKSUM_SUFFIX), local(MANIFEST_SUFFIX)]);
    if (!bytes || !checksum) return; // removed by retention meanwhile
    const sha = checksum.toString('utf8').trim().split(/\s+/)[0];
    // a segment damaged on this disk is not copied over a good copy: it waits, and the warning says why
    if (sha256Of(bytes) !== sha) throw new Error(`${rel(segment, SEGMENT_SUFFIX)}: its sha256 differs from its checksum file; not uploaded`);
    await store.put(rel(segment, SEGMENT_SUFFIX), bytes);
    let days: string[] = [];
    if (manifestRaw) {
      await store.put(rel(segment, MANIFEST_SUFFIX), manifestRaw);
      days = Object.keys((JSON.parse(manifestRaw.toString('utf8')) as SegmentManifest).days ?? {});
    }
    // the bucket's day list gets this segment's name: built from the manifest, not copied from the
    // folder, whose list of an old day may be gone (ARCHIVE_LOCAL_DAYS) while a late event extends it
    for (const day of days) {
      const key = `${DAY_INDEX_DIR}/${dateOfDayIndex(Number(day))}.list`;
      const existing = (await store.get(key))?.toString('utf8') ?? '';
      const names = existing.split('\n').filter(Boolean);
      if (names.includes(segment.name)) continue;
      await store.put(key, Buffer.from(`${[...names, segment.name].join('\n')}\n`));
    }
    await store.put(rel(segment, CHECKSUM_SUFFIX), checksum);
    const marker = path.join(dir, rel(segment, UPLOADED_SUFFIX));
    await fs.promises.writeFile(marker, `${sha}  ${store.where}/${rel(segment, SEGMENT_SUFFIX)}\n`);
    stats.uploaded++;
    lastUploadAt = opts.now();
  }

  /** Deletes the bucket's arrival dates and day lists older than the retention. */
  async function retention(): Promise<void> {
    const cutoff = dateOfDayIndex(dayIndexOf(opts.now()) - opts.keepDays);
    const top = await store.list('');
    const old: string[] = [];
    for (const name of top) {
      const date = name.replace(/\/$/, '');
      if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || date >= cutoff) continue;
      for (const f of await store.list(`${date}/`)) old.push(`${date}/${f}`);
    }
    for (const f of await store.list(`${DAY_INDEX_DIR}/`)) if (f.endsWith('.list') && f.slice(0, 10) < cutoff) old.push(`${DAY_INDEX_DIR}/${f}`);
    if (old.length === 0) return;
    await store.remove(old);
    stats.deletedObjects += old.length;
    log.info({ objects: old.length, keepDays: opts.keepDays, store: store.where }, 'archive: removed objects past the retention from the store');
  }

  async function writeStatus(waiting: SegmentName[]): Promise<void> {
    const now = opts.now();
    let oldest: number | null = null;
    if (waiting.length > 0) {
      const stat = await fs.promises.stat(path.join(dir, rel(waiting[0]!, CHECKSUM_SUFFIX))).catch(() => null);
      oldest = stat ? stat.mtimeMs : null;
    }
    const status: UploadStatus = {
      store: store.where,
      waiting: waiting.length,
      oldestWaitingSeconds: oldest === null ? 0 : Math.max(0, Math.round((Date.now() - oldest) / 1000)),
      lastUploadAt,
      error: lastError,
      failingSince,
      stalled: waiting.length > 0 && failingSince !== null && now - failingSince >= warnAfterMs,
      at: now,
    };
    // expires: a status no hub refreshes (no uploader running) is not shown as current
    await opts.redis.set(opts.keys.archiveUpload, JSON.stringify(status), 'PX', Math.max(maxBackoffMs, idleMs) * 3);
  }

  async function pass(): Promise<number> {
    let waiting = await waitingSegments();
    let put = 0;
    try {
      while (waiting.length > 0) {
        await upload(waiting[0]!);
        waiting = waiting.slice(1);
        put++;
        failingSince = null;
        lastError = null;
      }
      if (opts.now() - lastRetention > DAY_MS / 24) {
        await retention();
        lastRetention = opts.now();
      }
      failingSince = null;
      lastError = null;
    } catch (err) {
      failingSince ??= opts.now();
      lastError = (err as Error).message || (err as Error).name;
      stats.failures++;
      throw err;
    } finally {
      await writeStatus(waiting).catch(() => undefined);
    }
    return put;
  }

  /** The wait after the next failed pass: doubles with each failure in a row, up to maxBackoffMs. */
  let backoff = 1000;
  const loop = createBackgroundLoop({
    async step() {
      if (!opts.active()) return idleMs;
      await pass();
      backoff = 1000;
      return idleMs;
    },
    onError() {
      const wait = backoff;
      log.warn({ err: lastError, store: store.where, retryInMs: wait }, 'archive: copying to the object store failed; retrying');
      backoff = Math.min(backoff * 2, maxBackoffMs);
      return wait;
    },
  });

  async function dateUploaded(date: string): Promise<boolean> {
    if (doneDates.has(date)) return true;
    const { waiting, open } = await scanDate(date);
    return waiting.length === 0 && !open;
  }

  return {
    stats,
    pass,
    dateUploaded,
    start: () => loop.start(),
    stop: () => loop.stop(),
  };
}

/**
 * Reads the upload status the uploading hub last wrote: null when there is none (no store, or no
 * uploader ran lately) and when the value is not a status (not JSON, or of another shape), which is
 * logged once per value: /healthz and /metrics show "no status" rather than fail.
 */
export function uploadStatusReader(redis: RedisClient, keys: RedisKeys, log: Logger): () => Promise<UploadStatus | null> {
  let warned: string | null = null;
  return async () => {
    const raw = await redis.get(keys.archiveUpload);
    if (raw === null) return null;
    const parsed = uploadStatusSchema.safeParse(parseJson(raw));
    if (parsed.success) return parsed.data;
    if (warned !== raw) {
      warned = raw;
      log.warn(
        { key: keys.archiveUpload, value: raw.slice(0, 200), issue: describeIssue(parsed.error.issues[0]) },
        'archive: the upload status in Redis is not one; shown as none',
      );
    }
    return null;
  };
}

const describeIssue = (issue: z.core.$ZodIssue | undefined) => (issue ? `${issue.path.join('.') || '(value)'}: ${issue.message}` : undefined);

/** `yg_archive_upload_*` (read at each scrape): the backlog of the copy to the object store. */
export function registerUploadMetrics(registry: Registry, read: () => Promise<UploadStatus | null>): void {
  const registers = [registry];
  let last: Promise<UploadStatus | null> | null = null;
  // the three gauges of one scrape share one read
  const status = () => (last ??= read().catch(() => null)).finally(() => setTimeout(() => (last = null), 0));
  // A gauge without labels cannot be absent (prom-client answers 0), and 0 waiting must not read as
  // "all copied" when no uploader reports at all: `reporting` says whether the others mean anything.
  const gauge = (name: string, help: string, value: (s: UploadStatus | null) => number) =>
    new Gauge({
      name,
      help,
      registers,
      async collect() {
        this.set(value(await status()));
      },
    });
  gauge(
    'yg_archive_upload_reporting',
    '1 while some hub reports copying the archive to the object store (within the last 3 minutes); 0: none does, and the other yg_archive_upload_ gauges read 0',
    (s) => (s ? 1 : 0),
  );
  gauge(
    'yg_archive_upload_waiting_segments',
    'Sealed archive segments not copied to the object store yet (0 also while yg_archive_upload_reporting is 0)',
    (s) => s?.waiting ?? 0,
  );
  gauge(
    'yg_archive_upload_oldest_seconds',
    'Seconds since the oldest segment waiting for the object store was sealed (0: none waits)',
    (s) => s?.oldestWaitingSeconds ?? 0,
  );
  gauge('yg_archive_upload_stalled', '1 while the object store has failed for long with segments waiting (the health warning archive-store-down)', (s) =>
    s?.stalled ? 1 : 0,
  );
}
