/**
 * Redis state exactly as release fbf306d (the one before case keys named the center) wrote it: its
 * own Lua, kept verbatim in test/fixtures/release-fbf306d/ (`git show fbf306d:<path>`), run with its
 * own ARGV layout. Ingest is its append script (de-duplication, the event log, the alert log and
 * the inline apply of aggregate-events.lua); the alert engine is its apply, fire-timer and run-ops
 * scripts fed with the operations its server/alerts/event-ops.ts made (`oldOpsOfEvent`, below, is
 * that file's case and rating rules). The stream record is what ingest built then and now
 * (server/ingest/enrich-event.ts kept its shape).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { addWorkingDays, type WorkCalendar } from '../../common/calendar.ts';
import type { YgEvent } from '../../common/events.ts';
import { dayIndexOf, startOfDayMs } from '../../common/time.ts';
import { syncCalendar } from '../../server/aggregate/calendar-sync.ts';
import type { AlertConfig } from '../../server/alerts/alert-config.ts';
import type { CatalogIndex } from '../../server/catalog/load-catalog.ts';
import { enrichEvent } from '../../server/ingest/enrich-event.ts';
import { redisKeys, type RedisKeys } from '../../server/redis/keys.ts';

const DIR = path.resolve(import.meta.dirname, '../fixtures/release-fbf306d/server');
const read = (rel: string) => fs.readFileSync(path.join(DIR, rel), 'utf8');
const workingDays = read('redis/lua/working-days.lua');
/** As fbf306d's server/redis/scripts.ts assembled it. */
const appendLua = `${workingDays}\n${read('ingest/append-events.lua').replace('--#include aggregate-events.lua', () => read('aggregate/aggregate-events.lua'))}`;
/** As fbf306d's server/alerts/alert-scripts.ts assembled them. */
const alertLua = (name: string) => `${workingDays}\n${read('alerts/lua/alert-lib.lua')}\n${read(`alerts/lua/${name}`)}`;
const alertApplyLua = alertLua('apply-events.lua');
const alertFireLua = alertLua('fire-timer.lua');
const alertOpsLua = alertLua('run-ops.lua');

/** fbf306d's WATCHED_EVENT_TYPES: what its ingest copied to the alert log. */
const WATCHED = new Set([
  'ticket.issued',
  'ticket.called',
  'ticket.transferred',
  'ticket.noshow',
  'ticket.started',
  'ticket.finished',
  'window.status',
  'case.accepted',
  'case.suspended',
  'case.resumed',
  'case.completed',
  'case.returned',
  'rating.submitted',
]);
const EVENT_LOG_MS = 3 * 86_400_000;
const DEDUPE_DAYS = 35;

const scopesOfAlert = (center: string, dept?: string, window?: string) => [
  ...(window ? [`window:${window}`] : []),
  ...(dept ? [`dept:${dept}`] : []),
  `center:${center}`,
  'city',
];

/** The alert operations fbf306d's opsOfEvent made of a case event or a rating (the other rules are not needed here). */
export function oldOpsOfEvent(event: YgEvent, config: AlertConfig, calendar: WorkCalendar): unknown[] {
  const ms = Date.parse(event.at);
  const day = dayIndexOf(ms);
  const { center } = event;
  switch (event.type) {
    case 'case.accepted': {
      const t = config.thresholdsFor(event.dept);
      return [
        {
          op: 'case',
          kind: 'accepted',
          case: event.case,
          day,
          ms,
          promisedDays: event.promisedDays,
          yellowDays: t.caseYellowDays,
          spec: {
            center,
            dept: event.dept,
            ...(event.window ? { window: event.window } : {}),
            case: event.case,
            since: ms,
            scopes: scopesOfAlert(center, event.dept, event.window),
            escalateAfterMs: t.escalateMinutes * 60_000,
          },
        },
      ];
    }
    case 'case.suspended':
    case 'case.resumed':
    case 'case.completed':
    case 'case.returned':
      return [{ op: 'case', kind: event.type.slice(5), case: event.case, day }];
    case 'rating.submitted': {
      if (event.score > 2) return [];
      const t = config.thresholdsFor(event.dept);
      return [
        {
          op: 'open',
          spec: {
            rule: 'review',
            severity: 'yellow',
            subject: `review:${event.id}`,
            center,
            dept: event.dept,
            window: event.window,
            score: event.score,
            ...(event.ticket ? { ticket: event.ticket } : {}),
            ...(event.case ? { case: event.case } : {}),
            since: ms,
            dueAt: startOfDayMs(addWorkingDays(calendar, day, t.badReviewDays) + 1),
            scopes: scopesOfAlert(center, event.dept, event.window),
            escalateAfterMs: t.escalateMinutes * 60_000,
          },
        },
      ];
    }
    default:
      throw new Error(`oldOpsOfEvent: ${event.type} is not needed by the tests`);
  }
}

export interface OldRelease {
  keys: RedisKeys;
  /** What a fbf306d hub's ingest did with a batch from `source` (all taken and applied inline). */
  ingest(source: string, events: YgEvent[], now: number): Promise<void>;
  /** Its alert engine taking everything in the alert log. */
  applyAlertLog(now: number): Promise<void>;
  /** Its alert engine firing every timer due at `now` (the decisions of the rules used here: fire). */
  fireDue(now: number): Promise<void>;
  /** Its run-ops script (operations outside the log), at `now`. */
  runOps(ops: unknown[], now: number): Promise<void>;
}

/** A fbf306d hub's start on `prefix` (calendar, consumer groups), then its scripts. */
export async function oldRelease(
  redis: Redis,
  prefix: string,
  deps: { catalog: CatalogIndex; calendar: WorkCalendar; alertConfig: AlertConfig },
): Promise<OldRelease> {
  const keys = redisKeys(prefix);
  await syncCalendar(redis, keys, deps.calendar);
  await redis.xgroup('CREATE', keys.stream, keys.group, '0', 'MKSTREAM');
  await redis.xgroup('CREATE', keys.alertStream, keys.alertsGroup, '0', 'MKSTREAM');
  return {
    keys,
    async ingest(source, events, now) {
      const args: (string | number)[] = [prefix, DEDUPE_DAYS, now, source, Date.now() + 60_000, EVENT_LOG_MS, keys.group];
      for (const e of events) {
        const record = enrichEvent(e, deps.catalog);
        args.push(e.id, record.day, JSON.stringify(record), WATCHED.has(e.type) ? 1 : 0);
      }
      const [flags, , applied, failed] = (await redis.eval(appendLua, 4, keys.stream, keys.sourceSeen, keys.alertStream, keys.deadLetters, ...args)) as [
        number[],
        string[],
        number,
        string[],
      ];
      if (flags.some((f) => f !== 1) || applied !== 1 || failed.length > 0)
        throw new Error(`the old ingest did not take and apply the batch: ${JSON.stringify({ flags, applied, failed })}`);
    },
    async applyAlertLog(now) {
      const read = (await redis.xreadgroup('GROUP', keys.alertsGroup, 'fbf306d-hub', 'COUNT', 1000, 'STREAMS', keys.alertStream, '>')) as
        [string, [string, string[]][]][] | null;
      const entries = read?.[0]?.[1] ?? [];
      if (entries.length === 0) return;
      const records = entries.map(([sid, fields]) => {
        const event = (JSON.parse(fields[fields.indexOf('r') + 1]!) as { e: YgEvent }).e;
        const ops = oldOpsOfEvent(event, deps.alertConfig, deps.calendar);
        return JSON.stringify(ops.length > 0 ? { sid, ops } : { sid });
      });
      const result = JSON.parse(
        (await redis.eval(
          alertApplyLua,
          1,
          keys.alertStream,
          prefix,
          now,
          keys.alertsGroup,
          'fbf306d-hub',
          entries[0]![0],
          entries[entries.length - 1]![0],
          entries.length * 2 + 100,
          ...records,
        )) as string,
      ) as { applied?: number };
      if (result.applied !== entries.length) throw new Error(`the old alert engine applied ${result.applied} of ${entries.length} entries`);
    },
    async fireDue(now) {
      for (let round = 0; round < 20; round++) {
        const flat = await redis.zrangebyscore(keys.alertTimers, '-inf', now, 'WITHSCORES', 'LIMIT', 0, 200);
        if (flat.length === 0) return;
        for (let i = 0; i < flat.length; i += 2) await redis.eval(alertFireLua, 0, prefix, now, flat[i]!, flat[i + 1]!, 'fire', 0);
      }
      throw new Error('old timers kept coming due');
    },
    async runOps(ops, now) {
      await redis.eval(alertOpsLua, 0, prefix, now, JSON.stringify(ops));
    },
  };
}
