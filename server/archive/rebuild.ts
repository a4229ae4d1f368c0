/**
 * Rebuild: every aggregate of a range of days recomputed from archived events into fresh keys under
 * a scratch prefix, with the aggregation's own Lua, then swapped in one day at a time in one atomic
 * script each (rebuild-swap.lua), while the hubs keep serving: a reader sees a day as it was or as
 * rebuilt, never half of it; keys of other days are not touched (docs/archive.md, "Rebuild").
 *
 * Which keys are a day's: dayKeyPatterns (server/redis/keys.ts). The month totals hold several days
 * and move by what each rebuilt day changed. State that spans days is not a day's and is left as it
 * is (the open-case gauges and sets, the window states, the calling board), except that a case's
 * earlier life is read from its live record so that its events in the range count as they did live.
 *
 * Running hubs keep applying events while the rebuild replays: the replay stops at the aggregators'
 * group's last id (the cut) and the swap of a day is refused when the live aggregation applied an
 * event of that day past it; the rebuild then replays what came since from the stream and tries again.
 */
import crypto from 'node:crypto';
import type { Logger } from 'pino';
import { dateOfDayIndex } from '../../common/time.ts';
import { COUNTER_FAMILIES, COUNTERS as C } from '../redis/counter-fields.ts';
import { dayKeyPatterns, redisKeys, type RedisKeys } from '../redis/keys.ts';
import type { ArchiveSource, ArchivedEntry } from './archived-entry.ts';
import {
  APPLY_BATCH,
  applyRecords,
  caseIdOf,
  earlierLives,
  groupCut,
  idAfter,
  keysUnderPrefix,
  prepareScratch,
  scanKeys,
  type ReplayRedis,
} from './replay-core.ts';
import { streamEntries } from './stream-source.ts';

/** How often a day's swap is tried again when live events of that day keep coming. */
const SWAP_TRIES = 50;

export interface RebuildDeps {
  redis: ReplayRedis;
  /** The live keys. */
  keys: RedisKeys;
  source: ArchiveSource;
  log: Logger;
  /** The hub's clock: expiries of what the replay writes are counted from it, as live. */
  now: () => number;
}

export interface RebuildResult {
  /** Days swapped in. */
  days: string[];
  /** Days of the range with no archived event: left as they were (an archive that does not reach them must not empty them). */
  skipped: string[];
  events: number;
  refused: number;
  /** Cases whose earlier life was read from their live record. */
  seededCases: number;
  ms: number;
  eventsPerSec: number;
}

/** The fields a day shares with its month's totals (trading and fees, event-handlers.lua `monthly`). */
const MONTH_FIELDS = [C.fees, C.feesFen].join(',');
const MONTH_FIELD_PREFIXES = [COUNTER_FAMILIES.tradesOfCategory, COUNTER_FAMILIES.tradesFenOfCategory].join(',');

/**
 * Fields of a day's totals that the aggregation does not write (the alert engine's tally, the bad
 * reviews' follow-ups): no archived event recomputes them, so a swap keeps them as they were.
 */
const OTHERS_FIELDS = [C.alertsRaised, C.alertsRaisedYellow, C.alertsRaisedRed, C.reviewsFollowedUp, C.reviewsFollowedUpInTime, C.reviewsReratedSatisfied].join(
  ',',
);

/** The scratch prefixes of rebuilds live under this one, beside the hub's keys. */
export const rebuildPrefixOf = (keys: RedisKeys): string => `${keys.prefix}rebuild:`;

export async function rebuildDays(deps: RebuildDeps, range: { fromDay: number; toDay: number }): Promise<RebuildResult> {
  const { redis, keys } = deps;
  if (range.fromDay > range.toDay) throw new Error('the range ends before it starts');
  const started = Date.now();
  const scratch = redisKeys(`${rebuildPrefixOf(keys)}${crypto.randomBytes(6).toString('hex')}:`);
  const seen = new Set<string>();
  const daysWithEvents = new Set<number>();
  let events = 0;
  let refused = 0;
  let lastSid = '';
  let pending: string[] = [];
  let pendingCases = new Set<string>();

  const flush = async () => {
    if (pending.length === 0) return;
    // a case first met in the range: its earlier life first, so its events here count as they did live
    const lives = await earlierLives(redis, keys, [...pendingCases], range.fromDay);
    const batch = lives.length > 0 ? [...lives, ...pending] : pending;
    const r = await applyRecords(redis, scratch.prefix, deps.now(), batch);
    refused += r.refused;
    pending = [];
    pendingCases = new Set();
  };
  const take = async (entry: ArchivedEntry) => {
    events++;
    daysWithEvents.add(entry.record.day);
    lastSid = entry.sid;
    const id = caseIdOf(entry.record);
    if (id !== null && !seen.has(id)) {
      seen.add(id);
      pendingCases.add(id);
    }
    // the archive's own JSON text when it has it: no serialising again
    pending.push(entry.json ?? JSON.stringify(entry.record));
    if (pending.length >= APPLY_BATCH) await flush();
  };

  try {
    await prepareScratch(redis, keys, scratch);
    // the cut: what the live aggregation has applied; later entries it will apply itself after the swap
    let cut = await groupCut(redis, keys);
    for await (const entry of deps.source.entries(range)) {
      if (cut !== '' && idAfter(entry.sid, cut)) continue;
      await take(entry);
    }
    // the archive may lag the stream: what it does not hold yet up to the cut, from the stream
    if (cut !== '') {
      for await (const entry of streamEntries(redis, keys, { ...range, after: lastSid || undefined, until: cut })) await take(entry);
    }
    await flush();

    const days: string[] = [];
    const skipped: string[] = [];
    for (let day = range.fromDay; day <= range.toDay; day++) {
      if (!daysWithEvents.has(day)) {
        skipped.push(dateOfDayIndex(day));
        continue;
      }
      for (let tries = 0; ; tries++) {
        const [swapped, last] = await swapDay(redis, keys, scratch, day, cut);
        if (swapped === 1) break;
        if (tries >= SWAP_TRIES) throw new Error(`day ${dateOfDayIndex(day)} kept changing; try again when its events have stopped coming`);
        // events of the range the live aggregation applied since the cut: replay them too, then try again
        for await (const entry of streamEntries(redis, keys, { ...range, after: cut, until: last })) await take(entry);
        await flush();
        cut = last;
      }
      days.push(dateOfDayIndex(day));
    }
    const ms = Date.now() - started;
    deps.log.info({ days, skipped, events, refused, ms }, 'rebuild: days swapped in');
    return { days, skipped, events, refused, seededCases: seen.size, ms, eventsPerSec: Math.round((events * 1000) / Math.max(1, ms)) };
  } finally {
    const left = await keysUnderPrefix(redis, scratch.prefix);
    for (let i = 0; i < left.length; i += 1000) await redis.unlink(...left.slice(i, i + 1000));
  }
}

/** One day's keys swapped in (rebuild-swap.lua): [1, ''], or [0, the group's last id] when the day moved past the cut. */
async function swapDay(redis: ReplayRedis, live: RedisKeys, scratch: RedisKeys, day: number, cut: string): Promise<[number, string]> {
  const liveKeys = (await Promise.all(dayKeyPatterns(live.prefix, day).map((p) => scanKeys(redis, p)))).flat();
  const scratchKeys = (await Promise.all(dayKeyPatterns(scratch.prefix, day).map((p) => scanKeys(redis, p)))).flat();
  const renames = scratchKeys.flatMap((k) => [k, live.prefix + k.slice(scratch.prefix.length)]);
  // the day hashes, old and new, by scope: the month totals move by their difference
  const dayHashes = new Map<string, string>();
  const dayKeyStart = `${live.prefix}agg:`;
  const daySuffix = `:${day}`;
  for (const k of liveKeys) if (k.startsWith(dayKeyStart)) dayHashes.set(k.slice(dayKeyStart.length, -daySuffix.length), '');
  const scratchDayStart = `${scratch.prefix}agg:`;
  for (const k of scratchKeys) if (k.startsWith(scratchDayStart)) dayHashes.set(k.slice(scratchDayStart.length, -daySuffix.length), k);
  const triples = [...dayHashes].flatMap(([scope, scratchKey]) => [scope, `${dayKeyStart}${scope}${daySuffix}`, scratchKey]);
  const [swapped, last] = await redis.ygRebuildSwap(
    live.stream,
    live.group,
    cut,
    String(day),
    `${live.prefix}aggmo:`,
    dateOfDayIndex(day).slice(0, 7),
    MONTH_FIELDS,
    MONTH_FIELD_PREFIXES,
    OTHERS_FIELDS,
    String(liveKeys.length),
    ...liveKeys,
    ...renames,
    '--days',
    ...triples,
  );
  return [Number(swapped), String(last)];
}
