/**
 * The cockpit's read API (docs/cockpit.md): the first screen in one answer (overview),
 * configuration and targets, district comparison, rankings, trading, the day-before comparison,
 * and the PNG/PDF export. The snapshot and series
 * it also reads are the hub's general read API. Every route sits behind `guard` (the sign-in
 * middleware requiring a leader or an admin).
 */
import path from 'node:path';
import type { RequestHandler, Router } from 'express';
import { dateOfDayIndex, dayIndexOf } from '../../../common/time.ts';
import type { CatalogIndex } from '../../catalog/load-catalog.ts';
import { InputError } from '../../domain-errors.ts';
import type { RedisClient } from '../../redis/connect.ts';
import type { RedisKeys } from '../../redis/keys.ts';
import { knownScope } from '../read-routes.ts';
import { cockpitDayQuery, cockpitOverviewQuery, exportQuery, rankingsQuery } from '../../../common/api-queries.ts';
import { parseQuery } from '../../http/parse-request.ts';
import { loadCockpitConfig } from './cockpit-config.ts';
import { createCockpitExporter, type CockpitExporter, type ExportFormat } from './cockpit-export.ts';
import { readDistrictComparison } from './district-comparison.ts';
import { readRankings } from './rankings.ts';
import { readComparison } from './same-time-yesterday.ts';
import { readCockpitOverview } from './cockpit-overview.ts';
import { readTrading } from './trading.ts';
import type { Scope } from '../../../common/catalog.ts';
import type { CockpitConfig } from '../../../common/cockpit.ts';
import type { Forecast } from '../../../common/forecast.ts';
import type { ReviewFigures } from '../../../common/reviews.ts';
import { apiRouter } from '../../http/api-router.ts';
import { sessionCookie } from '../../identity/credentials.ts';
import { repoRoot } from '../../config/repo-root.ts';

export const DEFAULT_COVERAGE_FILE = path.join(repoRoot, 'config/coverage.json');

export interface CockpitDeps {
  redis: RedisClient;
  keys: RedisKeys;
  catalog: CatalogIndex;
  now: () => number;
  /** Who may read the cockpit (e.g. requireRole('leader', 'admin')). @default everyone */
  guard?: RequestHandler;
  /** The current settings (the hub hands the live `cockpit` section). @default read once from `configFile` */
  config?: () => CockpitConfig;
  /** @default config/coverage.json */
  configFile?: string;
  exporter?: CockpitExporter;
  /** The day's bad-review follow-up figures of a scope, for the overview's 整改率. @default none (null in the overview) */
  reviewFigures?: (scope: Scope, day: number) => Promise<ReviewFigures>;
  /** Today's usual day of cases of a scope (GET /api/v1/forecast), for the overview's hourly chart. @default none (null in the overview) */
  usualDay?: (scope: Scope, day: number) => Promise<Forecast>;
}

export function cockpitRouter(deps: CockpitDeps): Router {
  const fromFile = deps.config ? null : loadCockpitConfig(deps.configFile ?? DEFAULT_COVERAGE_FILE);
  const currentConfig = deps.config ?? (() => fromFile!);
  const exporter = deps.exporter ?? createCockpitExporter();
  const router = apiRouter();
  const guard: RequestHandler = deps.guard ?? ((_req, _res, next) => next());

  /** Today or a past day; the cockpit has nothing for days to come. */
  const pastDay = (date: number | undefined, now: number): number => {
    const today = dayIndexOf(now);
    const day = date ?? today;
    if (day > today) throw new InputError(`must not be after today (${dateOfDayIndex(today)})`, 'date');
    return day;
  };
  const scopeOf = (scope: Scope | undefined) => knownScope(scope ?? 'city', deps.catalog);

  router.get('/api/v1/cockpit/config', guard, (_req, res) => {
    res.json(currentConfig());
  });

  // the first screen in one request (cockpit-overview.ts)
  router.get('/api/v1/cockpit/overview', guard, async (req, res) => {
    const now = deps.now();
    const q = parseQuery(req, cockpitOverviewQuery);
    const scope = scopeOf(q.scope);
    const day = pastDay(q.date, now);
    const { redis, keys, catalog, reviewFigures, usualDay } = deps;
    res.json(
      await readCockpitOverview(
        { redis, keys, catalog, config: currentConfig(), ...(reviewFigures ? { reviewFigures } : {}), ...(usualDay ? { usualDay } : {}) },
        scope,
        day,
        now,
      ),
    );
  });

  router.get('/api/v1/cockpit/districts', guard, async (req, res) => {
    const now = deps.now();
    const day = pastDay(parseQuery(req, cockpitDayQuery).date, now);
    res.json(await readDistrictComparison(deps.redis, deps.keys, deps.catalog, day, now));
  });

  router.get('/api/v1/cockpit/rankings', guard, async (req, res) => {
    const now = deps.now();
    const q = parseQuery(req, rankingsQuery);
    const scope = scopeOf(q.scope);
    const day = pastDay(q.date, now);
    res.json(
      await readRankings(deps.redis, deps.keys, deps.catalog, scope, day, now, {
        limit: q.limit ?? 10,
        minRatingsForSatisfaction: currentConfig().rankings.minRatingsForSatisfaction,
      }),
    );
  });

  router.get('/api/v1/cockpit/trading', guard, async (req, res) => {
    const now = deps.now();
    const q = parseQuery(req, cockpitDayQuery);
    const scope = scopeOf(q.scope);
    const day = pastDay(q.date, now);
    res.json(await readTrading(deps.redis, deps.keys, deps.catalog, scope, day));
  });

  router.get('/api/v1/cockpit/compare', guard, async (req, res) => {
    const now = deps.now();
    const q = parseQuery(req, cockpitDayQuery);
    const scope = scopeOf(q.scope);
    const day = pastDay(q.date, now);
    res.json(await readComparison(deps.redis, deps.keys, scope, day, now));
  });

  router.get('/api/v1/cockpit/export', guard, async (req, res) => {
    const now = deps.now();
    const q = parseQuery(req, exportQuery);
    const scope = scopeOf(q.scope);
    const date = dateOfDayIndex(pastDay(q.date, now));
    const format: ExportFormat = q.format ?? 'png';
    const { width, height } = q.size ?? { width: 1920, height: 1080 };
    const local = req.socket.localAddress ?? '127.0.0.1';
    const host = local.includes(':') ? (local.startsWith('::ffff:') ? local.slice(7) : `[${local}]`) : local;
    // an unexpected failure is the error handler's 500: the browser's message (its call log) goes to the log
    const file = await exporter.render({
      origin: `http://${host}:${req.socket.localPort}`,
      format,
      date,
      scope,
      width,
      height,
      session: sessionCookie(req.get('cookie')),
    });
    const name = `cockpit-${scope.replace(/[^A-Za-z0-9.-]/g, '_')}-${date}.${format}`;
    res
      .set({
        'Content-Type': format === 'png' ? 'image/png' : 'application/pdf',
        'Content-Disposition': `attachment; filename="${name}"`,
        'Cache-Control': 'no-store',
      })
      .send(file);
  });
  return router;
}
