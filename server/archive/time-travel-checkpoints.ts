/**
 * Checkpoints of replayed past days (docs/archive.md "Time travel", checkpoints): the scratch keys of
 * a day replayed up to each whole and half hour of event time, saved on disk beside the archive so a
 * later replay starts from the nearest one at or before its instant and applies at most half an hour
 * of events.
 *
 *   <archive>/checkpoints/YYYY-MM-DD/index.json   what was made from what: the day's sealed segments
 *                                                 (names and sha256), the replay Lua's hash, the
 *                                                 working-day calendar's hash, and the hours made
 *   <archive>/checkpoints/YYYY-MM-DD/HHMM.ckpt    the keys after every event stamped before HH:MM
 *
 * A checkpoint is used only while what it was made from is unchanged: the day's list of sealed
 * segments and their checksums (a late segment changes it), the aggregation Lua (a changed
 * definition), the calendar (case due dates), and the earlier lives of the cases it seeded (read from
 * the live case records, as a replay from the opening reads them). Anything else and it is ignored
 * (and made again). Made only for days before today, and only when every event of the day is in a
 * sealed segment: today is still coming in.
 *
 * A checkpoint file: one JSON line (its instant, the cases seeded, the hash of their earlier lives), then per
 * key: u16 name length, the name relative to the scratch prefix, f64 expiry on the hub's clock (-1:
 * none), u32 payload length, the DUMP payload.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { dateOfDayIndex, dayIndexOfDate, startOfDayMs } from '../../common/time.ts';
import type { RedisClient } from '../redis/connect.ts';
import type { RedisKeys } from '../redis/keys.ts';
import { assembleScript } from '../redis/scripts.ts';
import { checksumPath, dayIndexPath, manifestPath, parseSegmentName, type SegmentManifest } from './archive-layout.ts';
import { earlierLives, keysUnderPrefix } from './replay-core.ts';
import { readIfExists } from './segment-file.ts';

export const CHECKPOINT_DIR = 'checkpoints';
const FORMAT = 1;
/** Keys per pipeline when saving or restoring. */
const PIPELINE = 1000;

const sha256 = (data: string | Buffer) => crypto.createHash('sha256').update(data).digest('hex');

/** The replay Lua as the hub runs it (its modules and prelude): a checkpoint of another is ignored. */
export const REPLAY_LUA_HASH = sha256(assembleScript('replay-apply.lua'));

/** One checkpoint: every event of the day stamped at or before `until` is in it. */
export interface CheckpointHour {
  until: number;
  file: string;
  sha256: string;
  keys: number;
  bytes: number;
}

interface CheckpointIndex {
  format: number;
  day: number;
  /** The day's sealed segments and their checksums (sealedDigest). */
  archive: string;
  lua: string;
  calendar: string;
  made: number;
  hours: CheckpointHour[];
}

/** What a restored checkpoint hands the replay: the cases whose earlier life its keys already hold. */
export interface RestoredCheckpoint {
  until: number;
  cases: string[];
}

/** What one hour file holds besides the keys. */
interface HourHead {
  format: number;
  day: number;
  until: number;
  cases: string[];
  lives: string;
}

export interface CheckpointStore {
  /** The latest valid checkpoint of the day at or before `at`; null when none is (or none is valid). */
  nearest(day: number, at: number): Promise<CheckpointHour | null>;
  /**
   * Restores a checkpoint into an empty scratch prefix; null when its file is damaged or the earlier
   * lives of its cases changed since it was made (then the day's checkpoints are made again).
   */
  restore(day: number, hour: CheckpointHour, scratch: RedisKeys, nowMs: number): Promise<RestoredCheckpoint | null>;
  /** What a checkpoint made now would be made from; null when the day cannot have checkpoints (no sealed list). */
  basis(day: number): Promise<{ archive: string; calendar: string; sealedEvents: number } | null>;
  /** Saves the keys under `scratch` as the day's checkpoint up to `until` (written, not yet listed). */
  capture(day: number, until: number, scratch: RedisKeys, cases: readonly string[], nowMs: number): Promise<CheckpointHour>;
  /** Lists the hours saved for the day, with the basis they were made from: they are used from now on. */
  commit(day: number, basis: { archive: string; calendar: string }, hours: CheckpointHour[]): Promise<void>;
  /** Deletes the checkpoints of days whose archive is gone (retention). */
  prune(): Promise<void>;
  /** Forgets what it holds in memory (the validated indexes). */
  clear(): void;
}

export interface CheckpointStoreDeps {
  /** The archive folder (ARCHIVE_DIR): checkpoints live in its `checkpoints` folder. */
  dir: string;
  redis: RedisClient;
  /** The hub's keys: the calendar and the case records are read live. */
  keys: RedisKeys;
}

/** How long a validated index is trusted before its basis is checked again (a late segment may come). */
const VALIDATED_MS = 30_000;

export function createCheckpointStore(deps: CheckpointStoreDeps): CheckpointStore {
  const { dir, redis, keys } = deps;
  const root = path.join(dir, CHECKPOINT_DIR);
  const dayDir = (day: number) => path.join(root, dateOfDayIndex(day));
  const validated = new Map<number, { index: CheckpointIndex | null; at: number }>();

  /** The hash of the live working-day calendar (case due dates depend on it). */
  async function calendarHash(): Promise<string> {
    const flat = await redis.hgetall(keys.calendar);
    return sha256(
      Object.keys(flat)
        .sort()
        .map((k) => `${k}=${flat[k]}`)
        .join('\n'),
    );
  }

  async function basis(day: number) {
    const list = await readIfExists(dayIndexPath(dir, day));
    if (!list) return null;
    const names = [
      ...new Set(
        list
          .toString('utf8')
          .split('\n')
          .map((l) => l.trim())
          .filter((l) => parseSegmentName(l) !== null),
      ),
    ].sort();
    const parts: string[] = [];
    let sealedEvents = 0;
    for (const name of names) {
      const segment = parseSegmentName(name)!;
      const checksum = await readIfExists(checksumPath(dir, segment));
      const manifestRaw = await readIfExists(manifestPath(dir, segment));
      if (!checksum || !manifestRaw) return null;
      const sha = checksum.toString('utf8').trim().split(/\s+/)[0] ?? '';
      let manifest: Partial<SegmentManifest>;
      try {
        manifest = JSON.parse(manifestRaw.toString('utf8')) as Partial<SegmentManifest>;
      } catch {
        return null;
      }
      // the count of the day's events in the segment, from a manifest of this very seal only
      const count = manifest.sha256 === sha && manifest.days && Object.hasOwn(manifest.days, String(day)) ? manifest.days[String(day)] : undefined;
      if (typeof count !== 'number') return null;
      sealedEvents += count;
      parts.push(`${name} ${sha}`);
    }
    return { archive: sha256(parts.join('\n')), calendar: await calendarHash(), sealedEvents };
  }

  async function validIndex(day: number): Promise<CheckpointIndex | null> {
    const held = validated.get(day);
    if (held && Date.now() - held.at < VALIDATED_MS) return held.index;
    let index: CheckpointIndex | null = null;
    const raw = await readIfExists(path.join(dayDir(day), 'index.json'));
    if (raw) {
      try {
        const parsed = JSON.parse(raw.toString('utf8')) as CheckpointIndex;
        const now = await basis(day);
        if (
          parsed.format === FORMAT &&
          parsed.day === day &&
          parsed.lua === REPLAY_LUA_HASH &&
          now !== null &&
          parsed.archive === now.archive &&
          parsed.calendar === now.calendar &&
          Array.isArray(parsed.hours)
        )
          index = parsed;
      } catch {
        index = null;
      }
    }
    validated.set(day, { index, at: Date.now() });
    return index;
  }

  async function nearest(day: number, at: number): Promise<CheckpointHour | null> {
    const index = await validIndex(day);
    if (!index) return null;
    let best: CheckpointHour | null = null;
    for (const h of index.hours) if (h.until <= at && (!best || h.until > best.until)) best = h;
    return best;
  }

  const livesHash = async (day: number, cases: readonly string[]) => sha256((await earlierLives(redis, keys, cases, day)).join('\n'));

  async function restore(day: number, hour: CheckpointHour, scratch: RedisKeys, nowMs: number): Promise<RestoredCheckpoint | null> {
    const buf = await readIfExists(path.join(dayDir(day), hour.file));
    if (!buf || sha256(buf) !== hour.sha256) return discard(day);
    const nl = buf.indexOf(10);
    const head = JSON.parse(buf.subarray(0, nl).toString('utf8')) as HourHead;
    if (head.format !== FORMAT || head.day !== day || head.until !== hour.until) return discard(day);
    // the cases' earlier lives are read live, as a replay from the opening reads them: changed, not used
    if ((await livesHash(day, head.cases)) !== head.lives) return discard(day);
    let p = redis.pipeline();
    let queued = 0;
    for (let pos = nl + 1; pos < buf.length;) {
      const nameLen = buf.readUInt16LE(pos);
      const name = buf.subarray(pos + 2, pos + 2 + nameLen).toString('utf8');
      pos += 2 + nameLen;
      const expiresAt = buf.readDoubleLE(pos);
      const payloadLen = buf.readUInt32LE(pos + 8);
      const payload = buf.subarray(pos + 12, pos + 12 + payloadLen);
      pos += 12 + payloadLen;
      // an expiry as a replay run now would set it: counted from the hub's clock
      p.restore(`${scratch.prefix}${name}`, expiresAt < 0 ? 0 : Math.max(1, Math.round(expiresAt - nowMs)), payload);
      if (++queued >= PIPELINE) {
        await execOrThrow(p);
        p = redis.pipeline();
        queued = 0;
      }
    }
    if (queued > 0) await execOrThrow(p);
    return { until: head.until, cases: head.cases };
  }

  /** The day's checkpoints are no longer used (their index removed), so the next make makes them again. */
  async function discard(day: number): Promise<null> {
    validated.set(day, { index: null, at: Date.now() });
    await fs.promises.rm(path.join(dayDir(day), 'index.json'), { force: true });
    return null;
  }

  async function capture(day: number, until: number, scratch: RedisKeys, cases: readonly string[], nowMs: number): Promise<CheckpointHour> {
    // what the replay itself keeps beside the aggregates is not part of it: the scratch's marker and its calendar copy
    const skip = new Set([`${scratch.prefix}alive`, scratch.calendar]);
    const names = (await keysUnderPrefix(redis, scratch.prefix)).filter((k) => !skip.has(k)).sort();
    const head: HourHead = { format: FORMAT, day, until, cases: [...cases].sort(), lives: '' };
    head.lives = await livesHash(day, head.cases);
    const chunks: Buffer[] = [Buffer.from(`${JSON.stringify(head)}\n`)];
    let count = 0;
    for (let i = 0; i < names.length; i += PIPELINE) {
      const slice = names.slice(i, i + PIPELINE);
      const p = redis.pipeline();
      for (const k of slice) p.pttl(k).dumpBuffer(k);
      const results = (await p.exec()) ?? [];
      slice.forEach((k, j) => {
        const [e1, ttl] = results[2 * j] ?? [null, null];
        const [e2, payload] = results[2 * j + 1] ?? [null, null];
        if (e1) throw e1;
        if (e2) throw e2;
        if (!Buffer.isBuffer(payload)) return; // expired meanwhile
        const name = Buffer.from(k.slice(scratch.prefix.length), 'utf8');
        const fixed = Buffer.alloc(2 + name.length + 12);
        fixed.writeUInt16LE(name.length, 0);
        name.copy(fixed, 2);
        fixed.writeDoubleLE(typeof ttl === 'number' && ttl > 0 ? nowMs + ttl : -1, 2 + name.length);
        fixed.writeUInt32LE(payload.length, 2 + name.length + 8);
        chunks.push(fixed, payload);
        count++;
      });
    }
    const buf = Buffer.concat(chunks);
    const minutes = Math.round((until + 1 - startOfDayMs(day)) / 60_000);
    const file = `${String(Math.floor(minutes / 60)).padStart(2, '0')}${String(minutes % 60).padStart(2, '0')}.ckpt`;
    await fs.promises.mkdir(dayDir(day), { recursive: true });
    await writeAtomic(path.join(dayDir(day), file), buf);
    return { until, file, sha256: sha256(buf), keys: count, bytes: buf.length };
  }

  async function commit(day: number, b: { archive: string; calendar: string }, hours: CheckpointHour[]): Promise<void> {
    const index: CheckpointIndex = { format: FORMAT, day, archive: b.archive, lua: REPLAY_LUA_HASH, calendar: b.calendar, made: Date.now(), hours };
    await fs.promises.mkdir(dayDir(day), { recursive: true });
    // the index last: the hours it names are on disk before it
    await writeAtomic(path.join(dayDir(day), 'index.json'), Buffer.from(JSON.stringify(index)));
    // files of an earlier make that this one did not write again
    const named = new Set([...hours.map((h) => h.file), 'index.json']);
    for (const f of await fs.promises.readdir(dayDir(day)))
      if (!named.has(f) && !f.endsWith('.tmp')) await fs.promises.rm(path.join(dayDir(day), f), { force: true });
    validated.delete(day);
  }

  async function prune(): Promise<void> {
    const dates = await fs.promises.readdir(root).catch(() => [] as string[]);
    for (const date of dates) {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) continue;
      const day = dayIndexOfDate(date);
      if (!(await readIfExists(dayIndexPath(dir, day)))) await fs.promises.rm(path.join(root, date), { recursive: true, force: true });
    }
  }

  return { nearest, restore, basis, capture, commit, prune, clear: () => validated.clear() };
}

async function execOrThrow(p: ReturnType<RedisClient['pipeline']>): Promise<void> {
  for (const [err] of (await p.exec()) ?? []) if (err) throw err;
}

/** Written beside and renamed over: a reader sees the old file or the whole new one. */
async function writeAtomic(file: string, buf: Buffer): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  const handle = await fs.promises.open(tmp, 'w');
  try {
    await handle.writeFile(buf);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fs.promises.rename(tmp, file);
}
