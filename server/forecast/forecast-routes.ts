/**
 * `GET /api/v1/forecast` (docs/forecast.md, docs/api.md): the usual day of a scope on a date,
 * per hour, from the scope's kept hourly counters (`aggh:`, no expiry: server/aggregate/
 * batch-writes.lua expires only the minute detail). For leaders and admins, and supervisors
 * within their departments; never for screen tokens: what a center expects of a day is for its
 * staff to plan by, not a figure of the public hall.
 */
import type { RequestHandler } from 'express';
import { forecastQuery } from '../../common/api-queries.ts';
import type { WorkCalendar } from '../../common/calendar.ts';
import type { Scope } from '../../common/catalog.ts';
import type { Forecast, ForecastMetric } from '../../common/forecast.ts';
import { dateOfDayIndex, dayIndexOf, startOfDayMs, toShanghaiIso } from '../../common/time.ts';
import { userOf } from '../auth/middleware.ts';
import type { CatalogIndex } from '../catalog/load-catalog.ts';
import { Forbidden, InputError } from '../domain-errors.ts';
import { apiRouter } from '../http/api-router.ts';
import { parseQuery } from '../http/parse-request.ts';
import { mayRead } from '../identity/principal.ts';
import { knownScope } from '../read/read-routes.ts';
import type { RedisClient } from '../redis/connect.ts';
import { COUNTERS, hourField, type CounterField } from '../redis/counter-fields.ts';
import type { RedisKeys } from '../redis/keys.ts';
import { BAND_RULE, historyRange, usualDay } from './usual-day.ts';

/** How far ahead a date may be: the level is of the weeks before today, and stales further on. */
export const FORECAST_AHEAD_DAYS = 31;

const METRIC_FIELDS: ReadonlyMap<ForecastMetric, CounterField> = new Map([
  ['tickets', COUNTERS.issued],
  ['cases', COUNTERS.accepted],
]);

export interface ForecastDeps {
  redis: RedisClient;
  keys: RedisKeys;
  catalog: CatalogIndex;
  calendar: WorkCalendar;
  now: () => number;
  /** Signs the caller in (requireRole(auth, 'leader', 'supervisor', 'admin')); the scope is checked after. */
  guard: RequestHandler;
}

/**
 * A scope's hourly counts of one counter for the days `from`..`to`: a day whose hour hash holds
 * none of the counter's hours is unknown (undefined), not a day of zeros, so the days before the
 * hub counted do not teach the model an empty hall.
 */
export async function readHourlyHistory(
  redis: RedisClient,
  keys: RedisKeys,
  scope: Scope,
  field: CounterField,
  from: number,
  to: number,
): Promise<Map<number, number[]>> {
  const fields = Array.from({ length: 24 }, (_, h) => hourField(field, h));
  const p = redis.pipeline();
  for (let d = from; d <= to; d++) p.hmget(keys.hour(scope, d), ...fields);
  const results = (await p.exec()) ?? [];
  const out = new Map<number, number[]>();
  results.forEach(([err, v], i) => {
    if (err) throw err;
    const values = v as (string | null)[];
    if (values.every((x) => x === null)) return;
    out.set(
      from + i,
      values.map((x) => Number(x ?? 0)),
    );
  });
  return out;
}

export async function readForecast(deps: Omit<ForecastDeps, 'guard'>, scope: Scope, day: number, metric: ForecastMetric): Promise<Forecast> {
  const today = dayIndexOf(deps.now());
  // today's counts are partial: the model learns from whole days only
  const { from, to } = historyRange(day);
  const last = Math.min(to, today - 1);
  const history = last >= from ? await readHourlyHistory(deps.redis, deps.keys, scope, METRIC_FIELDS.get(metric)!, from, last) : new Map<number, number[]>();
  const u = usualDay({ calendar: deps.calendar, day, history: (d) => history.get(d) });
  const round = (x: number) => Math.round(x * 10) / 10;
  const start = startOfDayMs(day);
  return {
    scope,
    date: dateOfDayIndex(day),
    metric,
    points: u.expected.map((e, h) => ({ t: toShanghaiIso(start + h * 3_600_000), expected: round(e), low: round(u.low[h]!), high: round(u.high[h]!) })),
    basis: {
      kind: u.kind,
      learnedFrom: u.learnedFrom,
      dates: u.days.map(dateOfDayIndex),
      count: u.days.length,
      level: u.level === null ? null : round(u.level),
      band: BAND_RULE,
    },
  };
}

export function forecastRouter(deps: ForecastDeps) {
  const router = apiRouter();
  router.get('/api/v1/forecast', deps.guard, async (req, res) => {
    const q = parseQuery(req, forecastQuery);
    const scope = knownScope(q.scope ?? 'city', deps.catalog);
    if (!mayRead({ kind: 'user', user: userOf(req) }, scope, deps.catalog)) throw new Forbidden(`you may not read ${scope}`, 'scope');
    const today = dayIndexOf(deps.now());
    const day = q.date ?? today;
    if (day > today + FORECAST_AHEAD_DAYS) throw new InputError(`must be at most ${FORECAST_AHEAD_DAYS} days after today (${dateOfDayIndex(today)})`, 'date');
    res.json(await readForecast(deps, scope, day, q.metric ?? 'tickets'));
  });
  return router;
}
