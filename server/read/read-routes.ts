/** Read API: snapshot, series and catalog (DESIGN section 8). */
import { Router, type Request } from 'express';
import { isScope, type Scope } from '../../common/catalog.ts';
import { dayIndexOf, dayIndexOfDate } from '../../common/time.ts';
import type { CatalogIndex } from '../catalog/load-catalog.ts';
import { HttpError, StoreUnavailableError } from '../http/http-error.ts';
import type { RedisClient } from '../redis/connect.ts';
import type { RedisKeys } from '../redis/keys.ts';
import { readSeries, SeriesRequestError, type Interval } from './series.ts';
import { readSnapshot } from './snapshot.ts';

export interface ReadDeps {
  redis: RedisClient;
  keys: RedisKeys;
  catalog: CatalogIndex;
  now: () => number;
}

export function readRouter(deps: ReadDeps): Router {
  const router = Router();
  router.get('/api/v1/catalog', (_req, res) => {
    res.json(deps.catalog.catalog);
  });

  router.get('/api/v1/snapshot', async (req, res) => {
    const now = deps.now();
    const scope = scopeParam(req, deps.catalog);
    const day = dayParam(req, 'date', dayIndexOf(now));
    try {
      res.json(await readSnapshot(deps.redis, deps.keys, scope, day, now, deps.catalog));
    } catch (err) {
      throw new StoreUnavailableError(err);
    }
  });

  router.get('/api/v1/series', async (req, res) => {
    const now = deps.now();
    const metric = stringParam(req, 'metric');
    if (!metric) throw new HttpError(400, 'metric is required, e.g. metric=tickets.issued', 'metric');
    const interval = (stringParam(req, 'interval') ?? 'hour') as Interval;
    if (!['minute', 'hour', 'day'].includes(interval)) throw new HttpError(400, 'must be minute, hour or day', 'interval');
    const today = dayIndexOf(now);
    const toDay = dayParam(req, 'to', today);
    const fromDay = dayParam(req, 'from', interval === 'day' ? toDay - 29 : toDay);
    if (fromDay > toDay) throw new HttpError(400, 'must not be after "to"', 'from');
    try {
      res.json(await readSeries(deps.redis, deps.keys, { metric, scope: scopeParam(req, deps.catalog), interval, fromDay, toDay }));
    } catch (err) {
      if (err instanceof SeriesRequestError) throw new HttpError(400, err.message, err.field);
      throw new StoreUnavailableError(err);
    }
  });
  return router;
}

function stringParam(req: Request, name: string): string | undefined {
  const v = req.query[name];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

export function scopeParam(req: Request, catalog: CatalogIndex): Scope {
  const raw = stringParam(req, 'scope') ?? 'city';
  if (!isScope(raw)) throw new HttpError(400, 'must be city, center:<code>, dept:<code> or window:<code>', 'scope');
  const [kind, code = ''] = raw.split(':', 2) as [string, string?];
  const known = kind === 'city'
    || (kind === 'center' && catalog.catalog.centers.some((c) => c.code === code))
    || (kind === 'dept' && catalog.departments.has(code))
    || (kind === 'window' && catalog.windows.has(code));
  if (!known) throw new HttpError(404, `no such ${kind} "${code}" in the catalog`, 'scope');
  return raw;
}

/** A `YYYY-MM-DD` date, or an ISO date-time (taken as its Asia/Shanghai day). */
export function dayParam(req: Request, name: string, fallback: number): number {
  const raw = stringParam(req, name);
  if (raw === undefined) return fallback;
  const day = /^\d{4}-\d{2}-\d{2}$/.test(raw) ? dayIndexOfDate(raw) : dayIndexOf(Date.parse(raw));
  if (Number.isNaN(day)) throw new HttpError(400, 'must be a date YYYY-MM-DD or an ISO 8601 time', name);
  return day;
}
