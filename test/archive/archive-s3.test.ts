/**
 * The archive copied to an S3-compatible object store (docs/archive.md "The object store"), against
 * a real S3 server (s3rver, test/archive/s3-server.ts). Entries reach the stream with ids of past
 * hours (a stream id is the Redis clock when it was appended), so the writer seals those hours and
 * the uploader copies them; their records are real events enriched as ingest does.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventSchema } from '../../common/events.ts';
import { dateOfDayIndex, dayIndexOf, dayIndexOfDate } from '../../common/time.ts';
import { rebuildCommand } from '../../scripts/admin-rebuild.ts';
import { exportChunks } from '../../server/archive/archive-export.ts';
import { CHECKSUM_SUFFIX, MANIFEST_SUFFIX, SEGMENT_SUFFIX, segmentOfMs } from '../../server/archive/archive-layout.ts';
import { ArchiveStoreUnavailable, createArchiveReader } from '../../server/archive/archive-reader.ts';
import { createArchiveUploader, UPLOADED_SUFFIX } from '../../server/archive/archive-upload.ts';
import { createArchiveWriter } from '../../server/archive/archive-writer.ts';
import type { ArchiveSource } from '../../server/archive/archived-entry.ts';
import { createObjectStore, type ObjectStore } from '../../server/archive/object-store.ts';
import { sha256Of } from '../../server/archive/segment-file.ts';
import { indexCatalog, loadCatalog } from '../../server/catalog/load-catalog.ts';
import { loadConfig } from '../../server/config/env.ts';
import { startHub } from '../../server/hub.ts';
import { enrichEvent } from '../../server/ingest/enrich-event.ts';
import { createLogger } from '../../server/observability/logger.ts';
import { connectRedis } from '../../server/redis/connect.ts';
import { redisKeys, type RedisKeys } from '../../server/redis/keys.ts';
import { startDedicatedRedis, type DedicatedRedis } from '../helpers/dedicated-redis.ts';
import { ev } from '../helpers/events.ts';
import { at, dayFromToday, instant, testNow } from '../helpers/test-clock.ts';
import { getJson, testConfig, testPrefix } from '../helpers/test-hub.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { removeTempArchiveDirs, tempArchiveDir } from './archive-fixtures.ts';
import { startTestS3, TEST_S3_KEY, type TestS3 } from './s3-server.ts';

let redis: DedicatedRedis;
let s3: TestS3;
beforeEach(async () => {
  redis = await startDedicatedRedis();
  s3 = await startTestS3();
});
afterEach(async () => {
  await s3.stop();
  await redis.stop();
  removeTempArchiveDirs();
});

const HOUR = 3_600_000;
const Y = dayFromToday(-1);
const Y_I = dayIndexOfDate(Y);
const catalog = indexCatalog(loadCatalog('config/catalog').catalog);
const log = createLogger('silent');

const storeOf = (folder: string): ObjectStore =>
  createObjectStore({ endpoint: s3.url, bucket: s3.bucket, prefix: folder, region: 'us-east-1', accessKeyId: TEST_S3_KEY, secretAccessKey: TEST_S3_KEY });

// [arrival hour: hours before now by the Redis clock, event]
const early: [number, Record<string, unknown>][] = [
  [6, ev.windowStatus(at('08:05', Y), 'open')],
  [6, ev.issued(at('08:10', Y), 'A001')],
  [5, ev.called(at('09:00', Y), 'A001')],
  [5, ev.started(at('09:01', Y), 'A001')],
  [5, ev.hit(at('08:20', Y), 'v2')], // late: arrived an hour after its time
];
const later: [number, Record<string, unknown>][] = [
  [4, ev.finished(at('10:00', Y), 'A001')],
  [4, ev.rating(at('10:05', Y), 5)],
  [3, ev.issued(at('10:40', Y), 'A002')],
  [3, ev.trade(at('11:20', Y), 300)],
  [3, ev.hit(at('15:00', dayFromToday(-3)), 'v3')], // of three days back
];

let seq = 0;
async function append(client: Redis, keys: RedisKeys, story: [number, Record<string, unknown>][]): Promise<void> {
  const [sec] = await client.time();
  const nowMs = Number(sec) * 1000;
  for (const [hoursAgo, raw] of story) {
    const arrival = segmentOfMs(nowMs - hoursAgo * HOUR).startMs + 1000 + seq;
    await client.xadd(keys.stream, `${arrival}-${seq++}`, 'r', JSON.stringify(enrichEvent(eventSchema.parse(raw), catalog)));
  }
}

/** The sealed segments of the folder, as `date/HH`. */
function sealedSegments(dir: string): string[] {
  const out: string[] = [];
  for (const date of fs
    .readdirSync(dir)
    .filter((n) => /^\d{4}-\d{2}-\d{2}$/.test(n))
    .sort())
    for (const f of fs.readdirSync(path.join(dir, date)).sort()) if (f.endsWith(CHECKSUM_SUFFIX)) out.push(`${date}/${f.slice(0, -CHECKSUM_SUFFIX.length)}`);
  return out;
}

/** Every sealed segment's files are in the bucket byte for byte, the segment with the sha256 of its checksum file. */
async function expectCopied(dir: string, store: ObjectStore): Promise<void> {
  const sealed = sealedSegments(dir);
  expect(sealed.length).toBeGreaterThan(0);
  for (const name of sealed) {
    for (const suffix of [SEGMENT_SUFFIX, MANIFEST_SUFFIX, CHECKSUM_SUFFIX]) {
      const local = fs.readFileSync(path.join(dir, `${name}${suffix}`));
      expect((await store.get(`${name}${suffix}`))?.equals(local), `${name}${suffix}`).toBe(true);
    }
    const sha = fs.readFileSync(path.join(dir, `${name}${CHECKSUM_SUFFIX}`), 'utf8').split(/\s+/)[0];
    expect(sha256Of((await store.get(`${name}${SEGMENT_SUFFIX}`))!)).toBe(sha);
    expect(fs.existsSync(path.join(dir, `${name}${UPLOADED_SUFFIX}`))).toBe(true);
  }
  // the bucket's day lists: each segment once, the same segments as the folder's lists
  for (const list of fs.readdirSync(path.join(dir, 'days'))) {
    const local = [
      ...new Set(
        fs
          .readFileSync(path.join(dir, 'days', list), 'utf8')
          .split('\n')
          .filter(Boolean),
      ),
    ].sort();
    const remote = (await store.get(`days/${list}`))!.toString('utf8').split('\n').filter(Boolean);
    expect(remote.length, `days/${list} without repeats`).toBe(new Set(remote).size);
    expect([...remote].sort()).toEqual(local);
  }
}

async function readAll(source: ArchiveSource, fromDay: number, toDay: number): Promise<{ sid: string; json: string }[]> {
  const out: { sid: string; json: string }[] = [];
  for await (const e of source.entries({ fromDay, toDay })) out.push({ sid: e.sid, json: e.json ?? JSON.stringify(e.record) });
  return out;
}

async function exportText(source: ArchiveSource, format: 'ndjson' | 'csv'): Promise<string> {
  let text = '';
  const req = { fromMs: instant('00:00', dayFromToday(-4)), toMs: instant('00:00', dayFromToday(1)), types: null, format };
  for await (const chunk of exportChunks(source, req, () => undefined)) text += chunk;
  return text;
}

/** Every key under the prefix (its name without the prefix) with its value: what a rebuild left. */
async function dump(client: Redis, prefix: string): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  const names: string[] = [];
  let cursor = '0';
  do {
    const [next, found] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    names.push(...found);
  } while (cursor !== '0');
  for (const key of names.sort()) {
    const type = await client.type(key);
    const name = key.slice(prefix.length);
    if (type === 'string') out[name] = (await client.getBuffer(key))?.toString('base64');
    else if (type === 'hash') out[name] = await client.hgetall(key);
    else if (type === 'set') out[name] = (await client.smembers(key)).sort();
    else if (type === 'zset') out[name] = await client.zrange(key, 0, -1, 'WITHSCORES');
    else if (type === 'list') out[name] = await client.lrange(key, 0, -1);
    else out[name] = type;
  }
  return out;
}

/** A logger at warn whose lines the test reads. */
function capturedLog() {
  const lines: { msg: string; value?: string }[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line) as { msg: string; value?: string });
      done();
    },
  });
  return { log: pino({ level: 'warn' }, sink), lines };
}

const NOT_A_STATUS = 'archive: the upload status in Redis is not one; shown as none';

describe('the archive copied to an object store', () => {
  it('puts each sealed segment in the bucket byte for byte; with the store down they wait (shown on /healthz and /metrics), then catch up, none lost or repeated', async () => {
    const prefix = testPrefix();
    const keys = redisKeys(prefix);
    const dir = tempArchiveDir();
    const folder = `hub-${prefix.replace(/\W/g, '')}`;
    const hub = await startHub({
      config: testConfig(prefix, { ARCHIVE: 'on', ARCHIVE_DIR: dir, DATA_DIR: dir, ...s3.env(folder) }),
      redisTarget: { kind: 'url', url: redis.url },
      log,
      aggregator: { idleMs: 50 },
      archive: { idleMs: 20, leaseMs: 2000 },
      archiveUpload: { idleMs: 50, maxBackoffMs: 300, warnAfterMs: 0 },
      now: testNow,
    });
    const store = storeOf(folder);
    try {
      await append(redis.client, keys, early);
      await waitFor('the two early hours copied', () => hub.archiveUploader!.stats.uploaded === 2);
      await expectCopied(dir, store);

      await s3.down();
      await append(redis.client, keys, later);
      await waitFor('the two later hours sealed', () => hub.archive!.stats.sealed === 4);
      const health = await waitFor('the store down on /healthz', async () => {
        const h = await getJson(hub, '/healthz');
        return h.archive?.upload?.waiting === 2 && h.archive.upload.error ? h : null;
      });
      expect(health.reasons).toContain('archive-store-down');
      expect(health.archive.upload).toMatchObject({ store: `${s3.bucket}/${folder}`, stalled: true });
      // a warning: the hub still takes events
      expect((await fetch(`${hub.url}/healthz`)).status).toBe(200);
      const metrics = await (await fetch(`${hub.url}/metrics`)).text();
      expect(metrics).toMatch(/^yg_archive_upload_reporting 1$/m);
      expect(metrics).toMatch(/^yg_archive_upload_waiting_segments 2$/m);
      expect(metrics).toMatch(/^yg_archive_upload_stalled 1$/m);

      await s3.up();
      const back = await waitFor('the copies caught up', async () => {
        const h = await getJson(hub, '/healthz');
        return h.archive?.upload?.waiting === 0 && h.archive.upload.error === null ? h : null;
      });
      expect(back.reasons).not.toContain('archive-store-down');
      expect(back.archive.upload.stalled).toBe(false);
      expect(sealedSegments(dir)).toHaveLength(4);
      await expectCopied(dir, store);
      // nothing else in the bucket's folder: four hours (three files each) and the day lists
      const objects: string[] = [];
      for (const top of await store.list('')) for (const f of await store.list(top)) objects.push(`${top}${f}`);
      expect(objects.filter((k) => !k.startsWith('days/'))).toHaveLength(12);
      expect(await (await fetch(`${hub.url}/metrics`)).text()).toMatch(/^yg_archive_upload_waiting_segments 0$/m);
    } finally {
      store.close();
      await hub.stop();
    }
  });

  it('restore drill: with the folder and Redis lost, export and rebuild read the bucket and give what the folder gave', async () => {
    const prefix = testPrefix();
    const keys = redisKeys(prefix);
    const dir = tempArchiveDir();
    const folder = `drill-${prefix.replace(/\W/g, '')}`;
    const store = storeOf(folder);
    const client = connectRedis({ kind: 'url', url: redis.url }, { name: 'archive-s3-test', commandTimeoutMs: 10_000 });
    const writer = createArchiveWriter({ redis: client, keys, log, dir, keepDays: 400, now: testNow, idleMs: 20, leaseMs: 2000 });
    const uploader = createArchiveUploader({ dir, store, redis: client, keys, log, now: testNow, keepDays: 400, active: () => writer.holding() });
    try {
      await append(redis.client, keys, [...early, ...later]);
      writer.start();
      await waitFor('four hours sealed', () => writer.stats.sealed === 4);
      await writer.stop();
      expect(await uploader.pass()).toBe(4);
      expect(await uploader.pass()).toBe(0); // marked: not put again
      await expectCopied(dir, store);

      const fromFolder = createArchiveReader({ dir });
      const lost = tempArchiveDir(); // the folder lost: a new, empty one
      const fromBucket = createArchiveReader({ dir: lost, store });
      const want = await readAll(fromFolder, Y_I - 3, Y_I + 1);
      expect(want).toHaveLength(early.length + later.length);
      expect(await readAll(fromBucket, Y_I - 3, Y_I + 1)).toEqual(want);
      expect(await readAll(fromBucket, Y_I - 2, Y_I - 2)).toEqual(want.filter((e) => e.json.includes('"v3"')));
      expect(await exportText(fromBucket, 'ndjson')).toBe(await exportText(fromFolder, 'ndjson'));
      expect(await exportText(fromBucket, 'csv')).toBe(await exportText(fromFolder, 'csv'));

      // Redis lost too: `npm run admin -- rebuild` into empty keys, from the bucket alone and from the folder
      const rebuilt: Record<string, unknown>[] = [];
      for (const env of [{ ARCHIVE_DIR: lost, ...s3.env(folder) }, { ARCHIVE_DIR: dir }]) {
        const p = testPrefix();
        const result = await rebuildCommand({
          redis: client,
          keys: redisKeys(p),
          config: testConfig(p, { ARCHIVE: 'on', ...env }),
          from: dateOfDayIndex(Y_I - 3),
          to: dateOfDayIndex(Y_I),
          print: () => undefined,
          now: testNow,
        });
        expect(result.events).toBe(early.length + later.length);
        expect(result.days).toEqual([dateOfDayIndex(Y_I - 2), Y]);
        rebuilt.push(await dump(redis.client, p));
      }
      expect(Object.keys(rebuilt[0]!).length).toBeGreaterThan(5);
      expect(Object.keys(rebuilt[0]!)).toEqual(Object.keys(rebuilt[1]!));
      expect(rebuilt[0]).toEqual(rebuilt[1]);
      expect(fs.readdirSync(lost)).toEqual([]); // read, never written

      // the store down: days the folder wholly holds (within ARCHIVE_LOCAL_DAYS, the folder older than
      // them: its archive.json made ten days back) are read from it alone; others need the bucket
      const meta = JSON.parse(fs.readFileSync(path.join(dir, 'archive.json'), 'utf8')) as Record<string, unknown>;
      fs.writeFileSync(path.join(dir, 'archive.json'), JSON.stringify({ ...meta, created: new Date(instant('00:00', dayFromToday(-10))).toISOString() }));
      await s3.down();
      expect(await readAll(createArchiveReader({ dir, store, localKeepDays: 30, now: testNow }), Y_I - 3, Y_I + 1)).toEqual(want);
      await expect(readAll(createArchiveReader({ dir: lost, store, localKeepDays: 30, now: testNow }), Y_I, Y_I)).rejects.toThrow(ArchiveStoreUnavailable);
    } finally {
      await writer.stop();
      store.close();
      client.disconnect();
    }
  });

  it('keeps ARCHIVE_LOCAL_DAYS in the folder (a day leaves it only once copied) and ARCHIVE_DAYS in the bucket', async () => {
    const prefix = testPrefix();
    const keys = redisKeys(prefix);
    const dir = tempArchiveDir();
    const folder = `keep-${prefix.replace(/\W/g, '')}`;
    const store = storeOf(folder);
    const client = connectRedis({ kind: 'url', url: redis.url }, { name: 'archive-s3-test', commandTimeoutMs: 10_000 });
    const today = dayIndexOf(testNow());
    // a sealed hour of ten days back in the folder, not copied yet (as the writer seals one)
    const old = segmentOfMs(instant('10:00', dateOfDayIndex(today - 10)));
    const line = `{"sid":"${old.startMs + 5}-0","r":${JSON.stringify(enrichEvent(eventSchema.parse(ev.hit(at('10:00', dateOfDayIndex(today - 10)), 'v1')), catalog))}}\n`;
    const { gzipSync } = await import('node:zlib');
    const bytes = gzipSync(line);
    fs.mkdirSync(path.join(dir, old.date), { recursive: true });
    fs.mkdirSync(path.join(dir, 'days'), { recursive: true });
    fs.writeFileSync(path.join(dir, `${old.name}${SEGMENT_SUFFIX}`), bytes);
    fs.writeFileSync(
      path.join(dir, `${old.name}${MANIFEST_SUFFIX}`),
      `${JSON.stringify({ days: { [today - 10]: 1 }, count: 1, firstSid: null, lastSid: null, sha256: sha256Of(bytes), bytes: bytes.length })}\n`,
    );
    fs.writeFileSync(path.join(dir, 'days', `${old.date}.list`), `${old.name}\n`);
    fs.writeFileSync(path.join(dir, `${old.name}${CHECKSUM_SUFFIX}`), `${sha256Of(bytes)}  ${old.hour}${SEGMENT_SUFFIX}\n`);
    // and in the bucket, objects older than the bucket keeps (30 days) and within it
    const gone = dateOfDayIndex(today - 40);
    const kept = dateOfDayIndex(today - 20);
    for (const key of [`${gone}/09${SEGMENT_SUFFIX}`, `${gone}/09${CHECKSUM_SUFFIX}`, `days/${gone}.list`, `${kept}/09${SEGMENT_SUFFIX}`, `days/${kept}.list`])
      await store.put(key, Buffer.from('x'));

    const writerOf = (uploaderDone: (date: string) => Promise<boolean>) =>
      createArchiveWriter({ redis: client, keys, log, dir, keepDays: 3, mayRemoveDate: uploaderDone, now: testNow, idleMs: 20, leaseMs: 2000 });
    const uploader = createArchiveUploader({ dir, store, redis: client, keys, log, now: testNow, keepDays: 30, active: () => true });
    try {
      // retention runs at a writer's first step: not copied yet, the day stays in the folder
      const first = writerOf(uploader.dateUploaded);
      first.start();
      // its first step claims the lease, then runs the retention; stop waits for the step to end
      await waitFor('the first writer writing', () => first.holding());
      await first.stop();
      expect(fs.existsSync(path.join(dir, old.date))).toBe(true);

      expect(await uploader.pass()).toBe(1);
      const second = writerOf(uploader.dateUploaded);
      second.start();
      await waitFor('the copied old day removed from the folder', () => !fs.existsSync(path.join(dir, old.date)));
      await second.stop();
      // still read, from the bucket
      const entries = await readAll(createArchiveReader({ dir, store }), today - 10, today - 10);
      expect(entries.map((e) => e.sid)).toEqual([`${old.startMs + 5}-0`]);

      // the bucket keeps 30 days: the older objects are deleted, the rest kept
      const names = async (f: string) => (await store.list(f)).sort();
      expect(await names('')).toEqual([`${kept}/`, `${old.date}/`, 'days/'].sort());
      expect(await names('days/')).toEqual([`${kept}.list`, `${old.date}.list`].sort());
      expect(uploader.stats.deletedObjects).toBe(3);
    } finally {
      store.close();
      client.disconnect();
    }
  });

  it('refuses a bad store setting at start, naming the variable', () => {
    const base = { REDIS_PREFIX: 'yg:', ARCHIVE: 'on', ARCHIVE_S3_URL: 'http://minio:9000', ARCHIVE_S3_BUCKET: 'yg-archive' };
    const creds = { ARCHIVE_S3_ACCESS_KEY: 'k', ARCHIVE_S3_SECRET_KEY: 's' };
    expect(() => loadConfig({ ...base, ...creds, ARCHIVE_S3_URL: 'minio:9000' })).toThrow(/ARCHIVE_S3_URL/);
    expect(() => loadConfig({ ...base, ...creds, ARCHIVE_S3_BUCKET: 'Bad_Bucket' })).toThrow(/ARCHIVE_S3_BUCKET/);
    expect(() => loadConfig(base)).toThrow(/ARCHIVE_S3_ACCESS_KEY/);
    expect(() => loadConfig({ ...base, ...creds, ARCHIVE_S3_BUCKET: '' })).toThrow(/ARCHIVE_S3_BUCKET/);
    expect(() => loadConfig({ REDIS_PREFIX: 'yg:', ARCHIVE_LOCAL_DAYS: '7' })).toThrow(/ARCHIVE_LOCAL_DAYS/);
    const store = loadConfig({ ...base, AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b', ARCHIVE_LOCAL_DAYS: '7' }).archive;
    expect(store).toMatchObject({ keepDays: 400, localKeepDays: 7 });
    expect(store!.store).toEqual({
      endpoint: 'http://minio:9000',
      bucket: 'yg-archive',
      prefix: 'yg',
      region: 'us-east-1',
      accessKeyId: 'a',
      secretAccessKey: 'b',
    });
  });

  it('shows a malformed or old-shaped upload status in Redis as none, logs it once, and /healthz and /metrics still answer', async () => {
    const prefix = testPrefix();
    const keys = redisKeys(prefix);
    const dir = tempArchiveDir();
    const { log, lines } = capturedLog();
    const hub = await startHub({
      config: testConfig(prefix, { ARCHIVE: 'on', ARCHIVE_DIR: dir, DATA_DIR: dir, ...s3.env(`status-${prefix.replace(/\W/g, '')}`) }),
      redisTarget: { kind: 'url', url: redis.url },
      log,
      archive: { idleMs: 20, leaseMs: 2000 },
      // the uploader's loop waits before its first pass (the writer holds no lease yet) and then
      // for the test's length: the status is written by the test's passes only
      archiveUpload: { idleMs: 600_000 },
      now: testNow,
    });
    try {
      await waitFor('the archive writer at work', async () => (await getJson(hub, '/healthz')).archive);
      await hub.archiveUploader!.pass();
      const good = (await getJson(hub, '/healthz')).archive.upload;
      expect(good).toMatchObject({ waiting: 0, error: null, stalled: false });

      const malformed = [
        'not json {',
        'null',
        '[1,2]',
        // an older shape: no failingSince, no stalled
        JSON.stringify({ store: 'b/p', waiting: 2, oldestWaitingSeconds: 5, lastUploadAt: null, error: null, at: 1 }),
        // a field of the wrong type
        JSON.stringify({ ...good, waiting: 'two' }),
      ];
      for (const value of malformed) {
        await redis.client.set(keys.archiveUpload, value);
        for (let read = 0; read < 3; read++) {
          const res = await fetch(`${hub.url}/healthz`);
          expect(res.status, value).toBe(200);
          const health = (await res.json()) as { archive: { upload: unknown }; reasons: string[] };
          expect(health.archive.upload, value).toBeNull();
          expect(health.reasons).not.toContain('archive-store-down');
        }
        const metrics = await fetch(`${hub.url}/metrics`);
        expect(metrics.status).toBe(200);
        // no status: said so, and the gauges read 0 (an unlabelled gauge cannot be absent)
        const text = await metrics.text();
        expect(text).toMatch(/^yg_archive_upload_reporting 0$/m);
        expect(text).toMatch(/^yg_archive_upload_stalled 0$/m);
        // logged once per value, however often it is read
        expect(lines.filter((l) => l.msg === NOT_A_STATUS && l.value === value.slice(0, 200))).toHaveLength(1);
      }
      expect(lines.filter((l) => l.msg === NOT_A_STATUS)).toHaveLength(malformed.length);

      // the uploader's next pass writes a status again, and it shows
      await hub.archiveUploader!.pass();
      expect((await getJson(hub, '/healthz')).archive.upload).toMatchObject({ waiting: 0, error: null, stalled: false });
      const again = await (await fetch(`${hub.url}/metrics`)).text();
      expect(again).toMatch(/^yg_archive_upload_reporting 1$/m);
      expect(again).toMatch(/^yg_archive_upload_waiting_segments 0$/m);
    } finally {
      await hub.stop();
    }
  });
});
