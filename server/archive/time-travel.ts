/**
 * Time travel: the snapshot of a scope as it was at a past instant (`GET /api/v1/snapshot?at=…`,
 * docs/archive.md "Time travel"). The day's archived events stamped at or before that instant are
 * applied to scratch keys with the aggregation's own Lua (replay-core.ts) and read with the live
 * `readSnapshot` with its clock set to the instant: one definition of every figure.
 *
 * Which events: by event time (`record.ms <= at`), applied in event-time order (the stream's order
 * among equal times). A wall showed the events that had *arrived* by then; sources send within
 * seconds, so the two differ by the ingest lag, and event time is what an incident review asks
 * ("what happened by 10:30") and what a replay can cut at exactly (see the doc).
 *
 * A day's events are read only as far as an instant needs (a bounded archive read, `untilMs`: the
 * first frame of a day reads its first hour, not the day): up to the end of the instant's hour, so
 * a replay playing on reads again once an hour, not every step. A later instant past that reads the
 * next part, (loaded until, new hour's end], appended: every event up to the old bound was read, so
 * the appended ones all come after the ones held in event time and the order stays that of the
 * whole day sorted at once. The records' JSON is kept as the archive holds it (not parsed and
 * serialised again).
 *
 * A replayed day is cached: its events, sorted, in memory, and its scratch keys with the position
 * reached, so moving forward applies only the events in between; moving back starts that day over
 * (or continues a cached replay that is still before the instant). Unused replays are deleted after
 * IDLE_MS; every scratch prefix holds a marker with a TTL, and a hub deletes the prefixes whose marker
 * has expired (a hub that stopped without cleaning up).
 *
 * Past days get checkpoints every half hour (time-travel-checkpoints.ts): the first replay of a day
 * that has none starts, once it has answered, a background replay of the whole day that saves its
 * keys at every whole and half hour; from then on a replay of that day restores the nearest
 * checkpoint at or before its instant and applies at most half an hour of events (any instant of a
 * 360,000-event day within 2 s). One such make at a time per hub, and one per day across hubs (a Redis lock).
 */
import crypto from 'node:crypto';
import type { Logger } from 'pino';
import type { Scope } from '../../common/catalog.ts';
import type { Snapshot } from '../../common/snapshot.ts';
import { DAY_MS, dayIndexOf, startOfDayMs } from '../../common/time.ts';
import type { CatalogIndex } from '../catalog/load-catalog.ts';
import { InputError } from '../domain-errors.ts';
import { readSnapshot } from '../read/snapshot.ts';
import { COUNTERS as C, GAUGES } from '../redis/counter-fields.ts';
import { redisKeys, type RedisKeys } from '../redis/keys.ts';
import type { ArchiveSource } from './archived-entry.ts';
import { applyRecords, caseIdOf, earlierLives, keysUnderPrefix, prepareScratch, scanKeys, type ReplayRedis } from './replay-core.ts';
import type { CheckpointHour, CheckpointStore } from './time-travel-checkpoints.ts';

/** Replays kept at once (each a day's scratch keys): a few people reviewing a few moments. */
const MAX_REPLAYS = 4;
/** Days whose sorted events are kept in memory (about 100 MB for a day of 360,000 events). */
const MAX_DAYS = 2;
/** A replay or a day's events unused this long is dropped. */
const IDLE_MS = 10 * 60_000;
/** The marker of a scratch prefix lives this long after its last use. */
const MARKER_TTL_MS = 2 * IDLE_MS;
/** How far ahead of the hub's clock an instant may be and still mean "now". */
const CLOCK_SKEW_MS = 60_000;
/** Scratch prefixes a stopped hub left behind are looked for this often (a SCAN of the keyspace). */
const ORPHAN_SWEEP_MS = 30 * 60_000;
/** Today's events are read again after this long (they are still coming). */
const TODAY_REFRESH_MS = 30_000;
/** A day's events are read up to the end of the instant's hour (hours start at whole UTC hours in Asia/Shanghai). */
const READ_AHEAD_MS = 3600_000;
/**
 * Past days are checkpointed every half hour of event time: a replay applies at most half an hour of
 * events after restoring one (an hour at a busy center's peak is some 40,000 events, about 0.5 s of
 * the Lua on a quiet machine, too near the 2 s goal once reading and restoring are added).
 */
const CHECKPOINT_STEP_MS = 30 * 60_000;
/** A replay this close before a checkpoint goes on rather than restoring it (a replay playing past one). */
const CONTINUE_WITHIN_MS = 15 * 60_000;
/** After a make of a day's checkpoints failed or was left to another hub, it is tried again no sooner than this. */
const MAKE_RETRY_MS = 10 * 60_000;
/** The cross-hub lock of one day's make lives this long (a make of a 360,000-event day takes seconds). */
const MAKE_LOCK_MS = 5 * 60_000;

export interface TimeTravelDeps {
  redis: ReplayRedis;
  keys: RedisKeys;
  source: ArchiveSource;
  catalog: CatalogIndex;
  now: () => number;
  log: Logger;
  /** Where past days' checkpoints are kept (with the archive); none: every replay starts at the opening. */
  checkpoints?: CheckpointStore | null;
}

/** What time travel did, for the benchmark and the tests. */
export interface TimeTravelStats {
  /** Replays started at the day's opening. */
  fromOpening: number;
  /** Replays started from a checkpoint. */
  restored: number;
  /** Days whose checkpoints were made. */
  made: number;
}

export interface TimeTravel {
  /** The snapshot of `scope` at `at` (epoch ms, not in the future). */
  snapshotAt(scope: Scope, at: number): Promise<Snapshot>;
  /**
   * Makes the day's checkpoints now if it may have them and has no valid ones (what the first replay
   * of a day starts in the background); answers whether the day has checkpoints a replay uses after it.
   */
  makeCheckpoints(day: number): Promise<boolean>;
  readonly stats: TimeTravelStats;
  stop(): Promise<void>;
}

interface DayEvents {
  day: number;
  /** Event times, ascending, and the records in the same order (JSON). */
  ms: number[];
  jsons: string[];
  caseIds: (string | null)[];
  /** The events held are those with ms > this (undefined: from the day's start; a replay restored from a checkpoint needs no earlier one). */
  loadedFrom: number | undefined;
  /** Every event of the day with ms <= this has been read (the day's last ms: all of it). */
  loadedUntil: number;
  loadedAt: number;
  usedAt: number;
}

interface Replay {
  day: number;
  events: DayEvents;
  keys: RedisKeys;
  /** Events applied: events.jsons[0 .. pos) (and, when restored from a checkpoint, every one before them). */
  pos: number;
  /** Every event of the day stamped at or before this is applied. */
  at: number;
  cases: Set<string>;
  /** Scopes whose open-case gauge holds the day's starting figure. */
  based: Set<Scope>;
  usedAt: number;
}

/** The scratch prefixes of time travel live under this one, beside the hub's keys. */
export const timeTravelPrefixOf = (keys: RedisKeys): string => `${keys.prefix}tt:`;

/** Entries with ms <= at: the index past the last of them. */
function upperBound(ms: number[], at: number): number {
  let lo = 0;
  let hi = ms.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ms[mid]! <= at) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function createTimeTravel(deps: TimeTravelDeps): TimeTravel {
  const { redis, keys, log } = deps;
  const checkpoints = deps.checkpoints ?? null;
  const days = new Map<number, DayEvents>();
  const replays: Replay[] = [];
  const markerOf = (k: RedisKeys) => `${k.prefix}alive`;
  const stats: TimeTravelStats = { fromOpening: 0, restored: 0, made: 0 };
  let lock: Promise<unknown> = Promise.resolve();
  let stopping = false;

  /** The day's events with ms in (after, until], sorted: event time, then the stream's order. */
  async function read(day: number, after: number | undefined, until: number) {
    const found: { ms: number; json: string; caseId: string | null }[] = [];
    const lastMs = startOfDayMs(day + 1) - 1;
    const range = { fromDay: day, toDay: day, ...(after !== undefined ? { afterMs: after } : {}), ...(until < lastMs ? { untilMs: until } : {}) };
    for await (const entry of deps.source.entries(range)) {
      const { record } = entry;
      found.push({ ms: record.ms, json: entry.json ?? JSON.stringify(record), caseId: caseIdOf(record) });
    }
    // found is in stream order and the sort is stable
    found.sort((a, b) => a.ms - b.ms);
    return found;
  }

  /** The day's events from `from` (exclusive) up to the end of the hour of `at` at least: read afresh, or the held ones extended. */
  async function load(day: number, at: number, from: number | undefined, held: DayEvents | undefined): Promise<DayEvents> {
    const lastMs = startOfDayMs(day + 1) - 1;
    const until = Math.min(lastMs, Math.floor(at / READ_AHEAD_MS) * READ_AHEAD_MS + READ_AHEAD_MS - 1);
    const found = await read(day, held ? held.loadedUntil : from, until);
    const t = Date.now();
    if (held) {
      // appended in place: replays of the day keep their position (every new event is after the held ones)
      for (const f of found) {
        held.ms.push(f.ms);
        held.jsons.push(f.json);
        held.caseIds.push(f.caseId);
      }
      held.loadedUntil = until;
      return held;
    }
    return {
      day,
      ms: found.map((f) => f.ms),
      jsons: found.map((f) => f.json),
      caseIds: found.map((f) => f.caseId),
      loadedFrom: from,
      loadedUntil: until,
      loadedAt: t,
      usedAt: t,
    };
  }

  /**
   * The day's events, read at least as far as `at`, and from `from` at the latest (undefined: from
   * the opening). Called under the lock: one read of a day at a time.
   */
  async function eventsOf(day: number, at: number, from: number | undefined): Promise<DayEvents> {
    let cached = days.get(day);
    const isToday = day === dayIndexOf(deps.now());
    if (cached && isToday && Date.now() - cached.loadedAt > TODAY_REFRESH_MS) cached = undefined;
    // held from a later point than needed (a checkpoint after the one now wanted): read again
    if (cached && cached.loadedFrom !== undefined && (from === undefined || cached.loadedFrom > from)) cached = undefined;
    if (cached && at <= cached.loadedUntil) {
      cached.usedAt = Date.now();
      return cached;
    }
    const events = await load(day, at, from, cached);
    events.usedAt = Date.now();
    days.set(day, events);
    // replays of an older reading of the day start over
    for (const r of replays.filter((x) => x.day === day && x.events !== events)) await drop(r);
    while (days.size > MAX_DAYS) {
      const oldest = [...days.values()].sort((a, b) => a.usedAt - b.usedAt)[0]!;
      days.delete(oldest.day);
      for (const r of replays.filter((x) => x.day === oldest.day)) await drop(r);
    }
    return events;
  }

  async function drop(r: Replay): Promise<void> {
    const i = replays.indexOf(r);
    if (i >= 0) replays.splice(i, 1);
    await deleteAll(r.keys.prefix);
  }

  async function deleteAll(prefix: string): Promise<void> {
    const found = await keysUnderPrefix(redis, prefix);
    for (let i = 0; i < found.length; i += 1000) await redis.unlink(...found.slice(i, i + 1000));
  }

  /** A fresh scratch prefix with its marker and the live calendar. */
  async function scratchKeys(): Promise<RedisKeys> {
    const scratch = redisKeys(`${timeTravelPrefixOf(keys)}${crypto.randomBytes(6).toString('hex')}:`);
    await redis.set(markerOf(scratch), '1', 'PX', MARKER_TTL_MS);
    await prepareScratch(redis, keys, scratch);
    return scratch;
  }

  async function newReplay(events: DayEvents): Promise<Replay> {
    while (replays.length >= MAX_REPLAYS) await drop([...replays].sort((a, b) => a.usedAt - b.usedAt)[0]!);
    const scratch = await scratchKeys();
    const r: Replay = {
      day: events.day,
      events,
      keys: scratch,
      pos: 0,
      at: startOfDayMs(events.day) - 1,
      cases: new Set(),
      based: new Set(),
      usedAt: Date.now(),
    };
    replays.push(r);
    stats.fromOpening++;
    return r;
  }

  /** A replay restored from a checkpoint, positioned after the checkpoint's last event; null when the checkpoint is not usable after all. */
  async function restoredReplay(events: DayEvents, hour: CheckpointHour): Promise<Replay | null> {
    while (replays.length >= MAX_REPLAYS) await drop([...replays].sort((a, b) => a.usedAt - b.usedAt)[0]!);
    const scratch = await scratchKeys();
    const restored = await checkpoints!.restore(events.day, hour, scratch, deps.now()).catch(async (err: unknown) => {
      log.warn({ err: (err as Error).message, day: events.day }, 'time travel: a checkpoint could not be restored');
      return null;
    });
    if (!restored) {
      await deleteAll(scratch.prefix);
      return null;
    }
    const r: Replay = {
      day: events.day,
      events,
      keys: scratch,
      pos: upperBound(events.ms, restored.until),
      at: restored.until,
      cases: new Set(restored.cases),
      based: new Set(),
      usedAt: Date.now(),
    };
    replays.push(r);
    stats.restored++;
    return r;
  }

  /** Applies events[pos .. target) to the replay's keys. */
  async function advance(r: Replay, target: number, at: number): Promise<void> {
    const { jsons, caseIds } = r.events;
    const fresh: string[] = [];
    for (let i = r.pos; i < target; i++) {
      const id = caseIds[i];
      if (id && !r.cases.has(id)) {
        r.cases.add(id);
        fresh.push(id);
      }
    }
    if (fresh.length > 0) await seedCases(r, fresh);
    await applyRecords(redis, r.keys.prefix, deps.now(), jsons.slice(r.pos, target));
    r.pos = target;
    r.at = at;
  }

  /**
   * The earlier life of cases first met in the replay, applied so that their events of the day count
   * as live. What that life adds to the open-case gauges is taken back at once: the gauges hold the
   * day's own change, and the day's starting figure is added per scope when it is read (withBase).
   */
  async function seedCases(r: Replay, caseIds: string[]): Promise<void> {
    const lives = await earlierLives(redis, keys, caseIds, r.day);
    if (lives.length === 0) return;
    const scopes = [...new Set(lives.flatMap((json) => (JSON.parse(json) as { scopes: string[] }).scopes))];
    const gauges = async () => Promise.all(scopes.map(async (s) => Number((await redis.hget(`${r.keys.prefix}gauge:${s}`, GAUGES.openCases)) ?? 0)));
    const before = await gauges();
    await applyRecords(redis, r.keys.prefix, deps.now(), lives);
    const after = await gauges();
    const p = redis.pipeline();
    scopes.forEach((s, i) => {
      if (after[i] !== before[i]) p.hincrby(`${r.keys.prefix}gauge:${s}`, GAUGES.openCases, before[i]! - after[i]!);
    });
    await p.exec();
  }

  /** The scope's open cases at the start of the replayed day, added once to its gauge: today's live figure less every day's net change since. */
  async function withBase(r: Replay, scope: Scope): Promise<void> {
    if (r.based.has(scope)) return;
    const today = dayIndexOf(deps.now());
    const p = redis.pipeline();
    p.hget(keys.gauge(scope), GAUGES.openCases);
    for (let d = r.day; d <= today; d++) p.hget(keys.day(scope, d), C.casesNet);
    const results = (await p.exec()) ?? [];
    const values = results.map(([err, v]) => {
      if (err) throw err;
      return Number(v ?? 0);
    });
    const start = values[0]! - values.slice(1).reduce((a, b) => a + b, 0);
    if (start !== 0) await redis.hincrby(r.keys.gauge(scope), GAUGES.openCases, start);
    r.based.add(scope);
  }

  /**
   * Whether a checkpoint holds every event of its day up to its hour: no event of the day stamped
   * before then is outside the sealed segments it was made from (a late one not sealed yet). Such a
   * checkpoint is not used until that hour is sealed, which changes the day's list: made again then.
   */
  async function complete(day: number, hour: CheckpointHour): Promise<boolean> {
    for await (const _ of deps.source.entries({ fromDay: day, toDay: day, untilMs: hour.until, unsealedOnly: true })) return false;
    return true;
  }

  // making checkpoints: one day at a time, in the background
  const lastTried = new Map<number, number>();
  let making: Promise<unknown> = Promise.resolve();
  let makingNow: Replay | null = null;

  /** Starts a make of the day's checkpoints after what runs now, unless one was tried lately. */
  function scheduleMake(day: number): void {
    if (!checkpoints || stopping) return;
    const tried = lastTried.get(day);
    if (tried !== undefined && Date.now() - tried < MAKE_RETRY_MS) return;
    lastTried.set(day, Date.now());
    making = making
      .then(() => makeCheckpoints(day))
      .catch((err: unknown) => log.warn({ err: (err as Error).message, day }, 'time travel: making checkpoints failed'));
  }

  async function makeCheckpoints(day: number): Promise<boolean> {
    if (!checkpoints || stopping || day >= dayIndexOf(deps.now())) return false;
    lastTried.set(day, Date.now());
    // made already: usable unless a late event of the day is not sealed yet
    const last = await checkpoints.nearest(day, startOfDayMs(day + 1) - 1);
    if (last) return complete(day, last);
    const basis = await checkpoints.basis(day);
    if (!basis) return false;
    const lockKey = keys.timeTravelCheckpointLock(day);
    const owner = crypto.randomBytes(8).toString('hex');
    if ((await redis.set(lockKey, owner, 'PX', MAKE_LOCK_MS, 'NX')) !== 'OK') return false;
    try {
      // the whole day, sorted as a replay sorts it; made only when every event of it is sealed
      const found = await read(day, undefined, startOfDayMs(day + 1) - 1);
      if (found.length !== basis.sealedEvents || found.length === 0) return false;
      const t = Date.now();
      const events: DayEvents = {
        day,
        ms: found.map((f) => f.ms),
        jsons: found.map((f) => f.json),
        caseIds: found.map((f) => f.caseId),
        loadedFrom: undefined,
        loadedUntil: startOfDayMs(day + 1) - 1,
        loadedAt: t,
        usedAt: t,
      };
      const scratch = await scratchKeys();
      const r: Replay = { day, events, keys: scratch, pos: 0, at: startOfDayMs(day) - 1, cases: new Set(), based: new Set(), usedAt: t };
      makingNow = r;
      const hours: CheckpointHour[] = [];
      try {
        // a checkpoint at each whole and half hour that some event came before since the last one
        for (let h = 1; h * CHECKPOINT_STEP_MS < DAY_MS && r.pos < events.ms.length; h++) {
          if (stopping) return false;
          const until = startOfDayMs(day) + h * CHECKPOINT_STEP_MS - 1;
          const target = upperBound(events.ms, until);
          if (target === r.pos) continue;
          await advance(r, target, until);
          await redis.pexpire(markerOf(scratch), MARKER_TTL_MS);
          hours.push(await checkpoints.capture(day, until, scratch, [...r.cases], deps.now()));
        }
      } finally {
        makingNow = null;
        await deleteAll(scratch.prefix);
      }
      await checkpoints.commit(day, basis, hours);
      stats.made++;
      log.info({ day, hours: hours.length, bytes: hours.reduce((a, h) => a + h.bytes, 0) }, 'time travel: checkpoints made');
      return true;
    } finally {
      // released only by its owner
      if ((await redis.get(lockKey)) === owner) await redis.del(lockKey);
    }
  }

  let lastOrphanSweep = 0;
  async function sweep(): Promise<void> {
    const now = Date.now();
    for (const r of replays.filter((x) => now - x.usedAt > IDLE_MS)) await drop(r);
    for (const d of [...days.values()].filter((x) => now - x.usedAt > IDLE_MS)) days.delete(d.day);
    if (now - lastOrphanSweep < ORPHAN_SWEEP_MS) return;
    lastOrphanSweep = now;
    await checkpoints?.prune();
    // prefixes of a hub that stopped without deleting them: their marker has expired
    const markers = await scanKeys(redis, `${timeTravelPrefixOf(keys).replace(/[*?[\]\\]/g, (c) => `\\${c}`)}*:alive`);
    const alive = new Set(markers.map((m) => m.slice(0, -'alive'.length)));
    const prefixes = new Set<string>();
    for (const k of await keysUnderPrefix(redis, timeTravelPrefixOf(keys))) {
      const rest = k.slice(timeTravelPrefixOf(keys).length);
      const colon = rest.indexOf(':');
      if (colon > 0) prefixes.add(`${timeTravelPrefixOf(keys)}${rest.slice(0, colon + 1)}`);
    }
    for (const prefix of prefixes)
      if (!alive.has(prefix) && !replays.some((r) => r.keys.prefix === prefix) && makingNow?.keys.prefix !== prefix) await deleteAll(prefix);
  }
  const timer = setInterval(() => {
    lock = lock.then(sweep).catch((err: unknown) => log.warn({ err: (err as Error).message }, 'time travel: cleaning up failed'));
  }, 60_000);
  timer.unref();

  return {
    async snapshotAt(scope, at) {
      const now = deps.now();
      // a screen's clock a little ahead of the hub's asks for "now": it gets now
      if (at > now + CLOCK_SKEW_MS) throw new InputError('must not be in the future', 'at');
      at = Math.min(at, now);
      const day = dayIndexOf(at);
      let wantsCheckpoints = false;
      // one replay step at a time: steps are short, and two on one replay would interleave
      const run = lock.then(async () => {
        // a replay of the day already at least as far as the nearest checkpoint goes on; else the checkpoint
        const held = days.get(day);
        const going = held ? replays.filter((x) => x.day === day && x.events === held && x.at <= at).sort((a, b) => b.at - a.at)[0] : undefined;
        const past = checkpoints !== null && day < dayIndexOf(now);
        const hour = past ? await checkpoints.nearest(day, at) : null;
        if (past && !hour) wantsCheckpoints = true;
        // a replay going on that is less than CONTINUE_WITHIN_MS before the checkpoint applies the events in between
        const behind = hour && (!going || going.at < hour.until - CONTINUE_WITHIN_MS);
        const useHour = behind && (await complete(day, hour)) ? hour : null;
        let events = await eventsOf(day, at, useHour ? useHour.until : going ? held!.loadedFrom : undefined);
        let r: Replay | null | undefined = replays.filter((x) => x.day === day && x.events === events && x.at <= at).sort((a, b) => b.at - a.at)[0];
        if (useHour && (!r || r.at < useHour.until)) {
          r = await restoredReplay(events, useHour);
          // not usable after all (damaged, or its cases' earlier lives changed): discarded, made again
          if (!r) wantsCheckpoints = true;
        }
        if (!r && events.loadedFrom !== undefined) {
          // the checkpoint was not usable after all: from the opening
          days.delete(day);
          events = await eventsOf(day, at, undefined);
        }
        r ??= await newReplay(events);
        r.usedAt = Date.now();
        events.usedAt = r.usedAt;
        await advance(r, upperBound(events.ms, at), at);
        await withBase(r, scope);
        await redis.pexpire(markerOf(r.keys), MARKER_TTL_MS);
        return readSnapshot(redis, r.keys, scope, day, at, deps.catalog);
      });
      lock = run.catch(() => undefined);
      const snapshot = await run;
      // the first replay of a past day without checkpoints makes them once it has answered
      if (wantsCheckpoints) scheduleMake(day);
      return snapshot;
    },
    async makeCheckpoints(day) {
      const done = making.then(() => makeCheckpoints(day));
      making = done.catch(() => undefined);
      return done;
    },
    stats,
    async stop() {
      stopping = true;
      clearInterval(timer);
      await lock;
      await making.catch(() => undefined);
      for (const r of [...replays]) await drop(r);
      days.clear();
      checkpoints?.clear();
    },
  };
}
