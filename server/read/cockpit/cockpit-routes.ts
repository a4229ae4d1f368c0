/**
 * The cockpit's read API (docs/cockpit.md): configuration and targets, district comparison,
 * rankings, trading, the day-before comparison, and the PNG/PDF export. The snapshot and series
 * it also reads are the hub's general read API. Every route sits behind `guard` (the sign-in
 * middleware requiring a leader or an admin).
 */
import { Router, type Request, type RequestHandler } from 'express';
import { dateOfDayIndex, dayIndexOf } from '../../../common/time.ts';
import type { CatalogIndex } from '../../catalog/load-catalog.ts';
import { HttpError, StoreUnavailableError } from '../../http/http-error.ts';
import type { RedisClient } from '../../redis/connect.ts';
import type { RedisKeys } from '../../redis/keys.ts';
import { dayParam, scopeParam } from '../read-routes.ts';
import { loadCockpitConfig } from './cockpit-config.ts';
import { createCockpitExporter, ExportForbiddenError, ExportUnavailableError, type CockpitExporter, type ExportFormat } from './cockpit-export.ts';
import { readDistrictComparison } from './district-comparison.ts';
import { readRankings } from './rankings.ts';
import { readComparison } from './same-time-yesterday.ts';
import { readTrading } from './trading.ts';

export const DEFAULT_COVERAGE_FILE = new URL('../../../config/coverage.json', import.meta.url).pathname;

export interface CockpitDeps {
  redis: RedisClient;
  keys: RedisKeys;
  catalog: CatalogIndex;
  now: () => number;
  /** Who may read the cockpit (e.g. requireRole('leader', 'admin')). @default everyone */
  guard?: RequestHandler;
  /** @default config/coverage.json */
  configFile?: string;
  exporter?: CockpitExporter;
}

export function cockpitRouter(deps: CockpitDeps): Router {
  const config = loadCockpitConfig(deps.configFile ?? DEFAULT_COVERAGE_FILE);
  const exporter = deps.exporter ?? createCockpitExporter();
  const router = Router();
  const guard: RequestHandler = deps.guard ?? ((_req, _res, next) => next());
  router.use('/api/v1/cockpit', guard);

  /** Today or a past day; the cockpit has nothing for days to come. */
  const pastDay = (req: Request, now: number): number => {
    const today = dayIndexOf(now);
    const day = dayParam(req, 'date', today);
    if (day > today) throw new HttpError(400, `must not be after today (${dateOfDayIndex(today)})`, 'date');
    return day;
  };
  const read = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof HttpError) throw err;
      throw new StoreUnavailableError(err);
    }
  };

  router.get('/api/v1/cockpit/config', (_req, res) => {
    res.json(config);
  });

  router.get('/api/v1/cockpit/districts', async (req, res) => {
    const now = deps.now();
    const day = pastDay(req, now);
    res.json(await read(() => readDistrictComparison(deps.redis, deps.keys, deps.catalog, day, now)));
  });

  router.get('/api/v1/cockpit/rankings', async (req, res) => {
    const now = deps.now();
    const scope = scopeParam(req, deps.catalog);
    const day = pastDay(req, now);
    const limitRaw = req.query.limit === undefined ? 10 : Number(req.query.limit);
    if (!Number.isInteger(limitRaw) || limitRaw < 1 || limitRaw > 200) throw new HttpError(400, 'must be a whole number from 1 to 200', 'limit');
    res.json(await read(() => readRankings(deps.redis, deps.keys, deps.catalog, scope, day, now, {
      limit: limitRaw, minRatingsForSatisfaction: config.rankings.minRatingsForSatisfaction,
    })));
  });

  router.get('/api/v1/cockpit/trading', async (req, res) => {
    const now = deps.now();
    const scope = scopeParam(req, deps.catalog);
    const day = pastDay(req, now);
    res.json(await read(() => readTrading(deps.redis, deps.keys, deps.catalog, scope, day)));
  });

  router.get('/api/v1/cockpit/compare', async (req, res) => {
    const now = deps.now();
    const scope = scopeParam(req, deps.catalog);
    const day = pastDay(req, now);
    res.json(await read(() => readComparison(deps.redis, deps.keys, scope, day, now)));
  });

  router.get('/api/v1/cockpit/export', async (req, res) => {
    const now = deps.now();
    const scope = scopeParam(req, deps.catalog);
    const date = dateOfDayIndex(pastDay(req, now));
    const format = (req.query.format ?? 'png') as ExportFormat;
    if (format !== 'png' && format !== 'pdf') throw new HttpError(400, 'must be png or pdf', 'format');
    const size = /^(\d{3,4})x(\d{3,4})$/.exec(String(req.query.size ?? '1920x1080'));
    const width = Number(size?.[1]);
    const height = Number(size?.[2]);
    if (!size || width < 960 || width > 3840 || height < 540 || height > 2160) throw new HttpError(400, 'must be WIDTHxHEIGHT within 960x540 and 3840x2160, e.g. 1920x1080', 'size');
    const local = req.socket.localAddress ?? '127.0.0.1';
    const host = local.includes(':') ? (local.startsWith('::ffff:') ? local.slice(7) : `[${local}]`) : local;
    let file: Buffer;
    try {
      file = await exporter.render({ origin: `http://${host}:${req.socket.localPort}`, format, date, scope, width, height, cookieHeader: req.headers.cookie });
    } catch (err) {
      if (err instanceof ExportForbiddenError) throw new HttpError(403, err.message);
      if (err instanceof ExportUnavailableError) throw new HttpError(503, err.message, undefined, { 'Retry-After': '30' });
      throw new HttpError(500, `the export failed: ${(err as Error).message}`);
    }
    const name = `cockpit-${scope.replace(/[^A-Za-z0-9.-]/g, '_')}-${date}.${format}`;
    res.set({
      'Content-Type': format === 'png' ? 'image/png' : 'application/pdf',
      'Content-Disposition': `attachment; filename="${name}"`,
      'Cache-Control': 'no-store',
    }).send(file);
  });
  return router;
}
