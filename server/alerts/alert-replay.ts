/**
 * Replays one past day's events through the real alert engine, to see what a set of thresholds
 * would have raised (the alert-rules preview, docs/admin.md#previewing-alert-rules). Nothing here
 * decides an alert: the events go through the ingest append (server/ingest/append-events.ts, which
 * copies the watched ones to the alert stream and applies them to the aggregates the window rule
 * reads), and an engine of alert-engine.ts reads them and fires its timers, all under a scratch key
 * prefix of the same Redis with a clock of its own that walks through the day. The scratch keys
 * are deleted afterwards, on failure too; the hub's live keys are only read.
 *
 * Faithful to live (docs/alerts.md#event-time): the clock moves with the events, and each batch is
 * stamped (`in`) with the clock at its last event, so every source reports "as things happen"
 * (lag under LIVE_LAG_MS) and its timers fire by the clock, as they did that day on a hub that
 * was up; the engine ticks at each timer's due time and before each batch, so a timer that came
 * due before the event that ended it fires first, as it did live.
 */
import crypto from 'node:crypto';
import type { Logger } from 'pino';
import type { WorkCalendar } from '../../common/calendar.ts';
import type { PreviewAlert } from '../../common/alerts-preview.ts';
import type { YgEvent } from '../../common/events.ts';
import { startOfDayMs } from '../../common/time.ts';
import type { CatalogIndex } from '../catalog/load-catalog.ts';
import { Unavailable } from '../domain-errors.ts';
import { appendEvents } from '../ingest/append-events.ts';
import type { StreamRecord } from '../ingest/enrich-event.ts';
import { Cluster } from 'ioredis';
import { connectRedis, waitForRedis, type RedisClient, type RedisTarget } from '../redis/connect.ts';
import { keysStartingWith } from '../redis/migrations/migration.ts';
import { redisKeys, type RedisKeys } from '../redis/keys.ts';
import type { ScriptCommands } from '../redis/scripts.ts';
import type { AlertConfig } from './alert-config.ts';
import { createAlertEngine } from './alert-engine.ts';
import { withAlertScripts } from './alert-scripts.ts';
import { WATCHED_EVENT_TYPES } from './event-ops.ts';
import { engineCaughtUp } from './watermarks.ts';

/** Events of one batch span at most this much of the day (a source's batch; the `in` lag stays far under LIVE_LAG_MS). */
const BATCH_SPAN_MS = 10_000;
/** Events per append call (the ingest API's own batches are at most 1000). */
const BATCH_EVENTS = 500;
/** The live engine ticks every second: a timer left due after a tick is tried again a second later. */
const TICK_MS = 1000;
/** Stream entries read per XRANGE call. */
const READ_PAGE = 5000;
/** A day's events are taken from the stream at most this long before the day (sources' clocks run a little ahead). */
const EARLY_INGEST_MS = 3600_000;

export interface ReplayDeps {
  redis: RedisClient & ScriptCommands;
  redisTarget: RedisTarget;
  /** The hub's keys: the alert stream and the calendar are read from them, nothing is written. */
  keys: RedisKeys;
  catalog: CatalogIndex;
  calendar: WorkCalendar;
  log: Logger;
}

/**
 * The events of day `day` (Asia/Shanghai, by event time) that an alert rule watches, oldest first,
 * from the alert stream (the copy ingest keeps of exactly those events, trimmed like the event log).
 * Stream ids are the Redis clock at ingest; `hubNow` maps the day's start onto it.
 */
export async function readDayEvents(redis: RedisClient, keys: RedisKeys, day: number, hubNow: number): Promise<YgEvent[]> {
  const [sec, usec] = await redis.time();
  const redisNow = Number(sec) * 1000 + Math.floor(Number(usec) / 1000);
  const from = Math.max(0, redisNow - (hubNow - startOfDayMs(day)) - EARLY_INGEST_MS);
  const found: { ms: number; e: YgEvent }[] = [];
  let start = `${from}-0`;
  for (;;) {
    const page = await redis.xrange(keys.alertStream, start, '+', 'COUNT', READ_PAGE);
    for (const [, fields] of page) {
      const i = fields.indexOf('r');
      if (i < 0) continue;
      try {
        const record = JSON.parse(fields[i + 1]!) as StreamRecord;
        if (record.day === day) found.push({ ms: record.ms, e: record.e });
      } catch {
        // an unreadable entry: the live engine skips it too (alert-engine.ts)
      }
    }
    if (page.length < READ_PAGE) break;
    start = `(${page[page.length - 1]![0]}`;
  }
  // by event time; the stream's order among events of the same millisecond
  return found.sort((a, b) => a.ms - b.ms).map((f) => f.e);
}

/**
 * Every key under `prefix`, page by page (SCAN, never KEYS). In Cluster mode the hub's keys share
 * one slot (its prefix is a hash tag, kept by the scratch prefix), so every master is walked.
 */
async function* keysUnder(redis: RedisClient, prefix: string): AsyncGenerator<string[]> {
  const nodes = redis instanceof Cluster ? redis.nodes('master') : [redis];
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, found] = await node.scan(cursor, 'MATCH', keysStartingWith(prefix), 'COUNT', 1000);
      cursor = next;
      if (found.length > 0) yield found;
    } while (cursor !== '0');
  }
}

/** Deletes every key under `prefix`; answers how many. */
export async function deleteKeysUnder(redis: RedisClient, prefix: string): Promise<number> {
  let deleted = 0;
  for await (const found of keysUnder(redis, prefix)) deleted += await redis.unlink(...found);
  return deleted;
}

/** Counts the keys under `prefix` (the tests check that a replay leaves none). */
export async function countKeysUnder(redis: RedisClient, prefix: string): Promise<number> {
  let count = 0;
  for await (const found of keysUnder(redis, prefix)) count += found.length;
  return count;
}

/** The scratch prefixes of the previews live under this one, beside the hub's keys. */
export const previewPrefixOf = (keys: RedisKeys): string => `${keys.prefix}preview:`;

export interface ReplayRun {
  config: AlertConfig;
  /** The day's events (readDayEvents), oldest first. */
  events: YgEvent[];
  /** The day's start and where the replay stops (the day's end, or now for today). */
  from: number;
  until: number;
  /** Past this (real clock, epoch ms) the replay gives up: 503. */
  deadline: number;
}

/** Runs the engine over the events with `config`: every alert it opened, in order. */
export async function replayAlerts(deps: ReplayDeps, run: ReplayRun): Promise<PreviewAlert[]> {
  const scratch = redisKeys(`${previewPrefixOf(deps.keys)}${crypto.randomBytes(6).toString('hex')}:`);
  const opened: PreviewAlert[] = [];
  let t = run.from;
  const now = () => t;
  let reader: RedisClient | null = null;
  let engine: ReturnType<typeof createAlertEngine> | null = null;
  try {
    // the working days the alert Lua reads (case cards, review due dates), as the hub synced them
    if (await deps.redis.exists(deps.keys.calendar)) await deps.redis.call('COPY', deps.keys.calendar, scratch.calendar);
    // the aggregators' group on the scratch log, so the append applies inline: the window rule reads the waiting counts
    await deps.redis.xgroup('CREATE', scratch.stream, scratch.group, '$', 'MKSTREAM');
    reader = connectRedis(deps.redisTarget, { name: 'yg-alerts-preview', blocking: true });
    reader.on('error', (err: Error) => deps.log.debug({ err: err.message }, 'alerts preview reader: redis connection error'));
    await waitForRedis(reader);
    engine = createAlertEngine({
      redis: withAlertScripts(deps.redis),
      reader,
      keys: scratch,
      log: deps.log,
      now,
      rules: { config: run.config, catalog: deps.catalog, office: { calendar: deps.calendar, periods: run.config.officeHours } },
      onMessages: (messages) => {
        for (const { alert, change } of messages)
          if (change === 'opened')
            opened.push({
              rule: alert.rule,
              severity: alert.severity,
              subject: alert.subject,
              center: alert.center,
              dept: alert.dept ?? null,
              window: alert.window ?? null,
              since: alert.since,
              openedAt: alert.openedAt,
            });
      },
      // ticks only when the replay calls them, at the day's times
      tickMs: 2 ** 31 - 1,
      blockMs: 50,
      claimEveryMs: 2 ** 31 - 1,
      consumerName: 'preview',
    });
    await engine.start();
    const events = run.events;
    let i = 0;
    for (;;) {
      if (Date.now() > run.deadline) throw new Unavailable('the preview took too long; try a day with fewer events', 30);
      const due = await nextTimerDue(deps.redis, scratch);
      const nextEvent = i < events.length ? Date.parse(events[i]!.at) : Number.POSITIVE_INFINITY;
      // a timer the last tick left due is tried again a tick later, as the live engine does
      const step = Math.min(due > t ? due : t + TICK_MS, nextEvent);
      if (step >= run.until) break;
      t = Math.max(t, step);
      // the clock's checks first (silence, due timers), then what the sources sent at this time
      await engine.tick();
      if (nextEvent > t) continue;
      const stop = Math.min(t + BATCH_SPAN_MS, due > t ? due : Number.POSITIVE_INFINITY, run.until);
      const batch: YgEvent[] = [];
      while (i < events.length && batch.length < BATCH_EVENTS && Date.parse(events[i]!.at) < stop) batch.push(events[i++]!);
      t = Math.max(t, Date.parse(batch[batch.length - 1]!.at));
      // one append per source, as each source posts its own batches (its last report is the silence rule's clock)
      const bySource = new Map<string, YgEvent[]>();
      for (const event of batch) {
        const list = bySource.get(event.source);
        if (list) list.push(event);
        else bySource.set(event.source, [event]);
      }
      for (const [source, list] of bySource) {
        const appended = await appendEvents(
          deps.redis,
          scratch,
          source,
          list.map((event, index) => ({ index, event })),
          {
            catalog: deps.catalog,
            dedupeDays: 1,
            // the scratch log's entries are never trimmed during the run (it is deleted whole after it)
            retentionMs: 30 * 86_400_000,
            now: t,
            deadline: Date.now() + 600_000,
            applyInline: true,
            alertEventTypes: WATCHED_EVENT_TYPES,
          },
        );
        // an event the record check refuses now (its window left the catalog since) is left out of the replay
        if (appended.refused.length > 0) deps.log.debug({ refused: appended.refused.length }, 'alerts preview: events refused by the replay');
      }
      await caughtUp(deps.redis, scratch, run.deadline);
    }
    t = run.until;
    await engine.tick();
    return opened;
  } finally {
    await engine?.stop().catch(() => undefined);
    reader?.disconnect();
    await deleteKeysUnder(deps.redis, scratch.prefix);
  }
}

async function nextTimerDue(redis: RedisClient, keys: RedisKeys): Promise<number> {
  const first = await redis.zrange(keys.alertTimers, 0, 0, 'WITHSCORES');
  return first.length === 2 ? Number(first[1]) : Number.POSITIVE_INFINITY;
}

/** Waits until the scratch engine has applied everything appended. */
async function caughtUp(redis: RedisClient, keys: RedisKeys, deadline: number): Promise<void> {
  while (!(await engineCaughtUp(redis, keys))) {
    if (Date.now() > deadline) throw new Unavailable('the preview took too long; try a day with fewer events', 30);
    await new Promise((r) => setTimeout(r, 2));
  }
}
