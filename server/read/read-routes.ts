/** Read API: snapshot, series and catalog (docs/api.md). */
import type { RequestHandler } from 'express';
import { seriesQuery, snapshotQuery } from '../../common/api-queries.ts';
import type { Scope } from '../../common/catalog.ts';
import { dayIndexOf } from '../../common/time.ts';
import type { CatalogIndex } from '../catalog/load-catalog.ts';
import { scopeExists } from '../catalog/scopes.ts';
import { apiRouter } from '../http/api-router.ts';
import { InputError, NotFound } from '../domain-errors.ts';
import { parseQuery } from '../http/parse-request.ts';
import type { ReadGuards } from '../http/read-guard.ts';
import type { RedisClient } from '../redis/connect.ts';
import type { RedisKeys } from '../redis/keys.ts';
import { readSeries } from './series.ts';
import { readSnapshot } from './snapshot.ts';

export interface ReadDeps {
  redis: RedisClient;
  keys: RedisKeys;
  catalog: CatalogIndex;
  now: () => number;
  /** Who may read (the screen-token guard). @default everyone */
  guard?: ReadGuards;
}

const open: RequestHandler = (_req, _res, next) => next();

export function readRouter(deps: ReadDeps) {
  const router = apiRouter();
  const guard = deps.guard ?? { figures: open, reference: open };
  router.get('/api/v1/catalog', guard.reference, (_req, res) => {
    res.json(deps.catalog.catalog);
  });

  router.get('/api/v1/snapshot', guard.figures, async (req, res) => {
    const now = deps.now();
    const q = parseQuery(req, snapshotQuery);
    const scope = knownScope(q.scope ?? 'city', deps.catalog);
    res.json(await readSnapshot(deps.redis, deps.keys, scope, q.date ?? dayIndexOf(now), now, deps.catalog));
  });

  router.get('/api/v1/series', guard.figures, async (req, res) => {
    const q = parseQuery(req, seriesQuery);
    const interval = q.interval ?? 'hour';
    const toDay = q.to ?? dayIndexOf(deps.now());
    const fromDay = q.from ?? (interval === 'day' ? toDay - 29 : toDay);
    if (fromDay > toDay) throw new InputError('must not be after "to"', 'from');
    const scope = knownScope(q.scope ?? 'city', deps.catalog);
    res.json(await readSeries(deps.redis, deps.keys, { metric: q.metric, scope, interval, fromDay, toDay }));
  });
  return router;
}

/** A parsed scope that names something in the catalog (404 otherwise). */
export function knownScope(scope: Scope, catalog: CatalogIndex): Scope {
  if (!scopeExists(scope, catalog)) throw new NotFound(`no such ${scope.split(':')[0]} "${scope.split(':').slice(1).join(':')}" in the catalog`, 'scope');
  return scope;
}
