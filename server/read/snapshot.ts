/** Reads the snapshot of a scope on a day from the aggregates, in one pipelined round trip. */
import type { Scope } from '../../common/catalog.ts';
import type { RecentCall, Snapshot, WindowState } from '../../common/snapshot.ts';
import type { CatalogIndex } from '../catalog/load-catalog.ts';
import { dateOfDayIndex, dayIndexOf, startOfDayMs, toShanghaiIso } from '../../common/time.ts';
import type { RedisClient } from '../redis/connect.ts';
import { COUNTERS as C, GAUGES } from '../redis/counter-fields.ts';
import type { RedisKeys } from '../redis/keys.ts';
import {
  alertFigures,
  caseFigures,
  complaintFigures,
  feeFigures,
  portalFigures,
  ratingFigures,
  ticketFigures,
  tradeFigures,
  windowFigures,
  type Counters,
} from './figures.ts';

/** How far back the in-progress figure of a past day is reconstructed from daily net changes. */
const MAX_NET_DAYS = 400;

export async function readSnapshot(redis: RedisClient, keys: RedisKeys, scope: Scope, day: number, now: number, catalog: CatalogIndex): Promise<Snapshot> {
  const today = dayIndexOf(now);
  const windowCode = scope.startsWith('window:') ? scope.slice('window:'.length) : null;
  const centerCode = scope.startsWith('center:') ? scope.slice('center:'.length) : null;
  const centerWindows = centerCode ? catalog.catalog.windows.filter((w) => w.center === centerCode).map((w) => w.code) : [];
  const laterDays: number[] = [];
  for (let d = day + 1; d <= today && laterDays.length < MAX_NET_DAYS; d++) laterDays.push(d);

  const p = redis.pipeline();
  p.hgetall(keys.day(scope, day));
  p.pfcount(keys.uv(scope, day));
  p.hgetall(keys.alertCounts(scope));
  p.hget(keys.gauge(scope), GAUGES.openCases);
  p.zcount(keys.openCases(scope), '-inf', `(${now}`);
  for (const d of laterDays) p.hget(keys.day(scope, d), C.casesNet);
  if (windowCode) p.hgetall(keys.window(windowCode));
  if (centerCode) {
    p.lrange(keys.recentCalls(centerCode), 0, -1);
    for (const w of centerWindows) p.hgetall(keys.window(w));
  }
  const results = await p.exec();
  if (!results) throw new Error('Redis returned no pipeline results');
  const value = <T>(i: number): T => {
    const [err, v] = results[i]!;
    if (err) throw err;
    return v as T;
  };

  const c = value<Counters>(0);
  const openNow = Number(value<string | null>(3) ?? 0);
  let laterNet = 0;
  laterDays.forEach((_, i) => {
    laterNet += Number(value<string | null>(5 + i) ?? 0);
  });
  const isToday = day === today;

  const snapshot: Snapshot = {
    scope,
    date: dateOfDayIndex(day),
    asOf: toShanghaiIso(now),
    cases: caseFigures(c, Math.max(0, openNow - laterNet), isToday ? value<number>(4) : 0),
    tickets: ticketFigures(c),
    ratings: ratingFigures(c),
    portal: portalFigures(c, value<number>(1)),
    trades: tradeFigures(c),
    fees: feeFigures(c),
    complaints: complaintFigures(c),
    alerts: alertFigures(value<Counters>(2), c),
  };
  const tail = 5 + laterDays.length;
  if (windowCode) snapshot.window = windowState(value<Counters>(tail), c, isToday, day, now);
  if (centerCode) {
    snapshot.calls = isToday ? recentCalls(value<string[]>(tail), day) : [];
    snapshot.windows = {};
    centerWindows.forEach((code, i) => {
      const w = windowState(value<Counters>(tail + 1 + i), {}, isToday, day, now);
      snapshot.windows![code] = { status: w.status, staff: w.staff, ticket: w.ticket };
    });
  }
  return snapshot;
}

function recentCalls(raw: string[], day: number): RecentCall[] {
  const calls: RecentCall[] = [];
  for (const json of raw) {
    const c = JSON.parse(json) as { ticket: string; window: string; at: number };
    if (dayIndexOf(c.at) === day) calls.push({ ticket: c.ticket, window: c.window, at: toShanghaiIso(c.at) });
  }
  return calls;
}

export function windowState(w: Counters, c: Counters, isToday: boolean, day: number, now: number): WindowState {
  const status = (['open', 'serving', 'paused', 'closed'] as const).find((s) => s === w.status) ?? 'unknown';
  const since = w.since ? Number(w.since) : null;
  // today, the stretch the window is open in now counts from the later of its start and midnight
  const currentSec =
    isToday && since !== null && (status === 'open' || status === 'serving') ? Math.max(0, Math.floor((now - Math.max(since, startOfDayMs(day))) / 1000)) : 0;
  const { openSec, throughputPerHour } = windowFigures(c, currentSec);
  const calledToday = isToday && w.calledAt !== undefined && dayIndexOf(Number(w.calledAt)) === day;
  return {
    status: isToday ? status : 'unknown',
    since: since !== null ? toShanghaiIso(since) : null,
    staff: w.staff || null,
    ticket: calledToday ? (w.ticket ?? null) : null,
    calledAt: calledToday ? toShanghaiIso(Number(w.calledAt)) : null,
    ticketState: calledToday && w.ticket ? (w.ticketStartedAt ? 'serving' : 'called') : null,
    openSec,
    throughputPerHour,
  };
}
