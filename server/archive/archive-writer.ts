/**
 * The archive writer (docs/archive.md): every entry of the event stream, once it is there (the
 * append script wrote it, so it is durable as far as Redis is), appended to its hour's segment
 * under the archive folder, exactly once across hubs and crashes.
 *
 * One hub writes at a time (a lease in Redis, renewed with every cursor move). The writer reads the
 * entries after the cursor, appends each hour's new ones as one gzip member (one write, then
 * fsync), and only then moves the cursor. A crash between the two leaves entries in the file that
 * the cursor does not cover: the next writer reads the last stream id of the segment and skips what
 * it already holds, so the file, not the cursor, decides what is written. A segment is sealed
 * (manifest, day index, checksum) once every entry of its hour is in it.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { Logger } from 'pino';
import { DAY_MS, dateOfDayIndex, dayIndexOf } from '../../common/time.ts';
import type { RedisClient } from '../redis/connect.ts';
import type { RedisKeys } from '../redis/keys.ts';
import { assembleScript } from '../redis/scripts.ts';
import { createBackgroundLoop } from '../util/background-loop.ts';
import {
  ARCHIVE_LINE_TAIL,
  archiveLineHead,
  CHECKSUM_SUFFIX,
  checksumPath,
  DAY_INDEX_DIR,
  dayIndexPath,
  manifestPath,
  msOfSid,
  parseSegmentName,
  SEGMENT_SUFFIX,
  segmentOfMs,
  segmentPath,
  sidBefore,
  type SegmentManifest,
  type SegmentName,
} from './archive-layout.ts';
import { readIfExists, segmentTail, sha256Of } from './segment-file.ts';

const gzip = promisify(zlib.gzip);
const gunzip = promisify(zlib.gunzip);

/**
 * Each step's member is compressed fast (level 1: about two thirds of level 6's CPU, on the hub's
 * cores while ingest runs); sealing compacts the hour into one member at level 6, so what is kept
 * is as small as before.
 */
const APPEND_GZIP_LEVEL = 1;
const SEAL_GZIP_LEVEL = 6;
const LINE_TAIL = Buffer.from(ARCHIVE_LINE_TAIL);
const NULL_RECORD = Buffer.from('null');

/** A stream entry as Redis sent it: the id and the field-value pairs, as bytes (never decoded to text). */
type EntryBytes = [sid: Buffer, fields: Buffer[]];

export interface ArchiveWriterOptions {
  redis: RedisClient;
  keys: RedisKeys;
  log: Logger;
  dir: string;
  /** Segments whose arrival date is older than this many days are deleted (checked hourly). */
  keepDays: number;
  /**
   * Whether an arrival date past `keepDays` may leave the folder: with an object store, only once
   * the store holds all of it (archive-upload.ts). @default always
   */
  mayRemoveDate?: (date: string) => Promise<boolean>;
  /** The hub's clock, for retention only: which segments are in an hour is the stream ids' business. */
  now: () => number;
  /**
   * Entries read per step. Small steps keep each one's work on the event loop short (parsing the
   * `XRANGE` reply, building the member): when the entries were decoded to text, 2,000 a step held
   * the loop long enough to cut flat-out ingest by about 40%. Read as bytes, a step of 1,000 costs
   * the loop about 2 ms, and fewer steps mean fewer fsyncs (docs/performance.md). @default 1000
   */
  batchSize?: number;
  /** Wait after a step that found nothing more to archive. @default 250 */
  idleMs?: number;
  /** How long the lease lasts without renewal; a standby hub takes over after it. @default 10000 */
  leaseMs?: number;
  /** Called after each append with the entries and compressed bytes written (metrics). */
  onWritten?: (entries: number, bytes: number) => void;
}

export interface ArchiveWriter {
  start(): void;
  stop(): Promise<void>;
  /** This process's work since start (tests, metrics, the benchmark). */
  readonly stats: { entries: number; bytes: number; skipped: number; sealed: number; takeovers: number; cpuMicros: number };
  /** Whether this process holds the lease now. */
  holding(): boolean;
  /** Why this hub does not write the archive at all (a folder of another deployment), or null. */
  refused(): string | null;
}

interface ArchiveCommands {
  ygArchiveLease(
    lease: string,
    cursor: string,
    me: string,
    leaseMs: number,
    op: 'claim' | 'advance' | 'release',
    sid: string,
  ): Promise<[number, string, string]>;
}

/** What the writer knows of a segment it appends to: the file's size and last stream id, as it left them. */
interface OpenSegment {
  segment: SegmentName;
  size: number;
  lastSid: string | null;
  /**
   * The file, kept open from this writer's first append to the seal (opening, creating the folder
   * and closing at every step cost about as much as the write and its fsync); its inode tells a
   * file that another writer replaced meanwhile.
   */
  handle: fs.promises.FileHandle | null;
  ino: number;
}

export function createArchiveWriter(opts: ArchiveWriterOptions): ArchiveWriter {
  const { keys, log, dir } = opts;
  const redis = opts.redis as RedisClient & ArchiveCommands;
  redis.defineCommand('ygArchiveLease', { numberOfKeys: 2, lua: assembleScript('archive-lease.lua') });
  const batchSize = opts.batchSize ?? 1000;
  const idleMs = opts.idleMs ?? 250;
  const leaseMs = opts.leaseMs ?? 10_000;
  const me = `${os.hostname()}:${process.pid}:${crypto.randomBytes(4).toString('hex')}`;
  const stats = { entries: 0, bytes: 0, skipped: 0, sealed: 0, takeovers: 0, cpuMicros: 0 };

  let held = false;
  let refusal: string | null = null;
  let renewedAt = 0;
  let cursor = '0-0';
  let lastRetention = 0;
  /** Segments not sealed yet that this writer appends to or found on taking over. */
  let open = new Map<string, OpenSegment>();

  /** Claims or renews the lease; on a fresh claim, forgets what it knew of the files. */
  async function claim(): Promise<boolean> {
    const [ok, at] = await redis.ygArchiveLease(keys.archiveLease, keys.archiveCursor, me, leaseMs, 'claim', '');
    if (ok !== 1) {
      held = false;
      return false;
    }
    if (!held) {
      held = true;
      stats.takeovers++;
      await closeAll();
      open = await unsealedSegments();
      log.info({ cursor: at, unsealed: open.size }, 'archive: this hub writes the archive now');
    }
    cursor = at;
    renewedAt = performance.now();
    return true;
  }

  /** The lease is ours for a while yet: an append started now ends before it could pass to another hub. */
  const leaseFresh = () => held && performance.now() - renewedAt < leaseMs / 2;

  async function advance(sid: string): Promise<void> {
    const [ok, at] = await redis.ygArchiveLease(keys.archiveLease, keys.archiveCursor, me, leaseMs, 'advance', sid);
    if (ok !== 1) {
      held = false;
      log.warn('archive: the lease passed to another hub');
      return;
    }
    cursor = at;
    renewedAt = performance.now();
  }

  /** Every segment without its checksum: what a writer before this one left open. */
  async function unsealedSegments(): Promise<Map<string, OpenSegment>> {
    const found = new Map<string, OpenSegment>();
    const dates = (await fs.promises.readdir(dir).catch(() => [] as string[])).filter((n) => /^\d{4}-\d{2}-\d{2}$/.test(n));
    for (const date of dates) {
      const files = new Set(await fs.promises.readdir(path.join(dir, date)));
      for (const f of files) {
        if (!f.endsWith(SEGMENT_SUFFIX) || files.has(f.slice(0, -SEGMENT_SUFFIX.length) + CHECKSUM_SUFFIX)) continue;
        const segment = parseSegmentName(`${date}/${f.slice(0, -SEGMENT_SUFFIX.length)}`);
        if (segment) found.set(segment.name, await loadSegment(segment));
      }
    }
    return found;
  }

  async function closeSegment(state: OpenSegment): Promise<void> {
    const handle = state.handle;
    state.handle = null;
    await handle?.close().catch(() => undefined);
  }
  async function closeAll(): Promise<void> {
    for (const state of open.values()) await closeSegment(state);
  }

  /** The segment as the file has it; a cut last member (a crash during a write) is cut off. */
  async function loadSegment(segment: SegmentName): Promise<OpenSegment> {
    const file = segmentPath(dir, segment);
    const buf = await readIfExists(file);
    if (!buf) return { segment, size: 0, lastSid: null, handle: null, ino: -1 };
    const { whole, lastSid } = await segmentTail(buf);
    if (whole < buf.length) {
      log.warn({ file, cut: buf.length - whole }, 'archive: the segment ended in a cut gzip member (a crash during a write); truncated to its whole members');
      await fs.promises.truncate(file, whole);
    }
    return { segment, size: whole, lastSid, handle: null, ino: -1 };
  }

  /** Appends the entries of one segment not in its file yet; answers how many. */
  async function appendToSegment(segment: SegmentName, entries: EntryBytes[]): Promise<number> {
    let state = open.get(segment.name);
    const file = segmentPath(dir, segment);
    if (state) {
      // another writer appended meanwhile, or sealed the hour and replaced the file (a takeover while
      // this one was paused): read what it wrote, and append to the file now at the path
      const found = await fs.promises.stat(file).then(
        (s) => ({ size: s.size, ino: s.ino }),
        () => ({ size: 0, ino: -1 }),
      );
      if (found.size !== state.size || (state.handle && found.ino !== state.ino)) {
        await closeSegment(state);
        state = await loadSegment(segment);
      }
    } else {
      if (await readIfExists(checksumPath(dir, segment)))
        throw new Error(`archive: ${segment.name} is sealed, yet the stream has entries of its hour after the cursor`);
      state = await loadSegment(segment);
    }
    open.set(segment.name, state);
    const lastSid = state.lastSid;
    // the lines as bytes: the record's JSON goes from Redis's reply to the gzip input undecoded
    const parts: Buffer[] = [];
    let length = 0;
    let n = 0;
    let last = '';
    // entries come in stream order: only those up to the file's last id need comparing
    let compare = lastSid !== null && !sidBefore(lastSid, entries[0]![0].toString('latin1'));
    for (const [sidBytes, fields] of entries) {
      const sid = sidBytes.toString('latin1');
      if (compare) {
        if (!sidBefore(lastSid!, sid)) {
          stats.skipped++;
          continue;
        }
        compare = false;
      }
      const head = Buffer.from(archiveLineHead(sid), 'latin1');
      const record = recordOf(fields);
      parts.push(head, record, LINE_TAIL);
      length += head.length + record.length + LINE_TAIL.length;
      last = sid;
      n++;
    }
    if (n === 0) return 0;
    const cpu = process.cpuUsage();
    const member = await gzip(Buffer.concat(parts, length), { level: APPEND_GZIP_LEVEL });
    const used = process.cpuUsage(cpu);
    stats.cpuMicros += used.user + used.system;
    if (!leaseFresh()) throw new LeaseLost();
    if (!state.handle) {
      await fs.promises.mkdir(path.dirname(file), { recursive: true });
      state.handle = await fs.promises.open(file, 'a');
      state.ino = (await state.handle.stat()).ino;
    }
    try {
      await state.handle.write(member);
      await state.handle.datasync();
    } catch (err) {
      // what reached the file is not known: the next step reads the file again
      await closeSegment(state);
      open.delete(segment.name);
      throw err;
    }
    state.size += member.length;
    state.lastSid = last;
    stats.entries += n;
    stats.bytes += member.length;
    opts.onWritten?.(n, member.length);
    return n;
  }

  /**
   * Compacts, then manifest, day index and checksum: a segment with its checksum file is sealed and
   * whole. At a center's usual rate a step appends a few events, so an hour is hundreds of small
   * gzip members that compress poorly (each starts without a dictionary); sealed, the hour is one
   * member (same lines, same order), written beside it and renamed over it.
   */
  async function seal(state: OpenSegment): Promise<void> {
    const { segment } = state;
    const file = segmentPath(dir, segment);
    await closeSegment(state);
    const buf = await readIfExists(file);
    if (!buf) {
      open.delete(segment.name);
      return;
    }
    const { whole } = await segmentTail(buf);
    if (whole === 0) {
      // created and never written whole (a crash at its first append): it holds nothing
      await fs.promises.rm(file, { force: true });
      open.delete(segment.name);
      return;
    }
    const text = (await gunzip(buf.subarray(0, whole))).toString('utf8');
    const compact = await gzip(text, { level: SEAL_GZIP_LEVEL });
    const bytes = compact.length < whole ? compact : buf.subarray(0, whole);
    if (bytes === compact) await writeAtomically(file, compact);
    else if (whole < buf.length) await fs.promises.truncate(file, whole);
    const times: Record<string, [number, number]> = {};
    const manifest: SegmentManifest = { days: {}, times, count: 0, firstSid: null, lastSid: null, sha256: sha256Of(bytes), bytes: bytes.length };
    for (let from = 0, nl = text.indexOf('\n'); nl >= 0; from = nl + 1, nl = text.indexOf('\n', from)) {
      const line = text.slice(from, nl);
      const { day, ms } = dayOfLine(line);
      manifest.days[day] = (manifest.days[day] ?? 0) + 1;
      const span = times[day];
      if (!span) times[day] = [ms, ms];
      else if (ms < span[0]) span[0] = ms;
      else if (ms > span[1]) span[1] = ms;
      manifest.count++;
      const sid = /^\{"sid":"(\d+-\d+)"/.exec(line)?.[1] ?? null;
      manifest.firstSid ??= sid;
      manifest.lastSid = sid;
    }
    await writeAtomically(manifestPath(dir, segment), `${JSON.stringify(manifest)}\n`);
    await fs.promises.mkdir(path.join(dir, DAY_INDEX_DIR), { recursive: true });
    for (const day of Object.keys(manifest.days)) {
      // a repeated line (a seal done again after a crash) is harmless: readers take each segment once
      const fd = await fs.promises.open(dayIndexPath(dir, Number(day)), 'a');
      try {
        await fd.write(`${segment.name}\n`);
        await fd.datasync();
      } finally {
        await fd.close();
      }
    }
    await writeAtomically(checksumPath(dir, segment), `${manifest.sha256}  ${segment.hour}${SEGMENT_SUFFIX}\n`);
    open.delete(segment.name);
    stats.sealed++;
  }

  /** Seals every open segment whose hour ended before `ms` (all its entries are in it). */
  async function sealBefore(ms: number): Promise<void> {
    for (const state of [...open.values()].sort((a, b) => a.segment.startMs - b.segment.startMs)) {
      if (state.segment.endMs < ms) await seal(state);
    }
  }

  async function redisNowMs(): Promise<number> {
    const [sec, micro] = await opts.redis.time();
    return Number(sec) * 1000 + Math.floor(Number(micro) / 1000);
  }

  /** Deletes the arrival dates older than the retention, and the day index of event days as old. */
  async function retention(): Promise<void> {
    const cutoff = dateOfDayIndex(dayIndexOf(opts.now()) - opts.keepDays);
    const past = (await fs.promises.readdir(dir).catch(() => [] as string[])).filter((n) => /^\d{4}-\d{2}-\d{2}$/.test(n) && n < cutoff);
    const dates: string[] = [];
    for (const date of past) if (!opts.mayRemoveDate || (await opts.mayRemoveDate(date))) dates.push(date);
    for (const date of dates) await fs.promises.rm(path.join(dir, date), { recursive: true, force: true });
    const lists = await fs.promises.readdir(path.join(dir, DAY_INDEX_DIR)).catch(() => [] as string[]);
    for (const f of lists) if (f.endsWith('.list') && f.slice(0, 10) < cutoff) await fs.promises.rm(path.join(dir, DAY_INDEX_DIR, f), { force: true });
    if (dates.length > 0) log.info({ removed: dates, keepDays: opts.keepDays }, 'archive: removed arrival days past the retention');
  }

  /** One step: answers how many entries it read from the stream. */
  async function archiveStep(): Promise<number> {
    if (!leaseFresh() && !(await claim())) return 0;
    if (opts.now() - lastRetention > DAY_MS / 24) {
      lastRetention = opts.now();
      await retention();
    }
    const read = (await opts.redis.xrangeBuffer(keys.stream, `(${cursor}`, '+', 'COUNT', batchSize)) as EntryBytes[];
    if (read.length === 0) {
      // nothing after the cursor: any entry to come gets an id past Redis's clock now (a minute of
      // margin for a clock that NTP steps back: an entry of a sealed hour could not be written)
      await sealBefore((await redisNowMs()) - 60_000);
      await advance('');
      return 0;
    }
    let from = 0;
    while (from < read.length) {
      const segment = segmentOfMs(msOfSid(read[from]![0].toString('latin1')));
      const inSegment = (entry: EntryBytes) => msOfSid(entry[0].toString('latin1')) <= segment.endMs;
      // usually the whole read is of one hour: one look at its last entry says so
      let to = inSegment(read[read.length - 1]!) ? read.length : from;
      while (to < read.length && inSegment(read[to]!)) to++;
      await appendToSegment(segment, read.slice(from, to));
      from = to;
    }
    const last = read[read.length - 1]![0].toString('latin1');
    await advance(last);
    if (held) await sealBefore(msOfSid(last));
    return read.length;
  }

  /**
   * The folder is this deployment's, and the one its other hubs write: two key prefixes writing one
   * folder would interleave their segments, and hubs writing two folders would split the archive.
   */
  async function checkFolder(): Promise<void> {
    await fs.promises.mkdir(dir, { recursive: true });
    const file = path.join(dir, 'archive.json');
    if (!(await readIfExists(file))) {
      // hubs starting together: the first link wins and the others read its file (written whole, then linked)
      const made = { prefix: keys.prefix, id: crypto.randomBytes(8).toString('hex'), created: new Date(opts.now()).toISOString() };
      const tmp = `${file}.tmp-${process.pid}-${made.id}`;
      await writeAtomically(tmp, `${JSON.stringify(made)}\n`);
      await fs.promises.link(tmp, file).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'EEXIST') throw err;
      });
      await fs.promises.rm(tmp, { force: true });
    }
    const found = (await readIfExists(file))!;
    const { prefix, id } = JSON.parse(found.toString('utf8')) as { prefix?: unknown; id?: unknown };
    if (prefix !== keys.prefix)
      throw new FolderRefused(
        `the archive folder ${dir} holds the archive of REDIS_PREFIX "${String(prefix)}", not "${keys.prefix}"; give each deployment its own ARCHIVE_DIR`,
      );
    await opts.redis.set(keys.archiveFolder, String(id), 'NX');
    const shared = await opts.redis.get(keys.archiveFolder);
    if (shared !== String(id))
      throw new FolderRefused(
        `ARCHIVE_DIR ${dir} is not the folder the other hubs archive to (its id ${String(id)}, theirs ${String(shared)}): mount the same folder on every hub with ARCHIVE=on, or set ARCHIVE=off here (docs/archive.md); after restoring the folder from a backup, delete ${keys.archiveFolder}`,
      );
  }

  let folderChecked = false;
  const loop = createBackgroundLoop({
    async step() {
      if (!folderChecked) {
        // a folder that is not this deployment's stops the writer; Redis not answering is tried again (onError)
        try {
          await checkFolder();
        } catch (err) {
          if (!(err instanceof FolderRefused)) throw err;
          refusal = err.message;
          log.error({ err: err.message }, 'archive: not started');
          return 'stop';
        }
        folderChecked = true;
      }
      const n = await archiveStep();
      return n < batchSize ? (held ? idleMs : leaseMs / 3) : 0;
    },
    onError(err) {
      if (!folderChecked) {
        log.warn({ err: (err as Error).message }, 'archive: cannot check the folder yet; retrying in 1 s');
        return 1000;
      }
      if (err instanceof LeaseLost) {
        held = false;
        log.warn('archive: the lease ran short before an append; claiming it again before writing');
        return 0;
      }
      log.warn({ err: (err as Error).message }, 'archive: a step failed; retrying in 1 s');
      return 1000;
    },
  });

  return {
    stats,
    holding: () => held,
    refused: () => refusal,
    start: () => loop.start(),
    async stop() {
      // returns once the step under way has finished: nothing writes while the lease is let go and the files closed
      await loop.stop();
      // let a standby hub take over at once rather than after the lease runs out
      if (held) await redis.ygArchiveLease(keys.archiveLease, keys.archiveCursor, me, leaseMs, 'release', '').catch(() => undefined);
      held = false;
      await closeAll();
    },
  };
}

class LeaseLost extends Error {}
class FolderRefused extends Error {}

/** The entry's record (field `r`), as bytes. */
function recordOf(fields: Buffer[]): Buffer {
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const name = fields[i]!;
    if (name.length === 1 && name[0] === 0x72) return fields[i + 1]!;
  }
  return NULL_RECORD;
}

/** The event day and time of an archived line: read from the record's head (its keys come in enrichEvent's order), else parsed. */
function dayOfLine(line: string): { day: number; ms: number } {
  const m = /^\{"sid":"[^"]*","r":\{"t":"[^"]*","ms":(-?\d+),"day":(\d+),/.exec(line);
  if (m) return { day: Number(m[2]), ms: Number(m[1]) };
  const { r } = JSON.parse(line) as { r: { day: number; ms: number } };
  return { day: Number(r.day), ms: Number(r.ms) };
}

async function writeAtomically(file: string, text: string | Buffer): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}`;
  const fd = await fs.promises.open(tmp, 'w');
  try {
    await fd.write(typeof text === 'string' ? Buffer.from(text) : text);
    await fd.datasync();
  } finally {
    await fd.close();
  }
  await fs.promises.rename(tmp, file);
}
