/** Read API: snapshot, series and catalog (docs/api.md). */
import type { RequestHandler } from 'express';
import { scopeQuery, seriesQuery, snapshotQuery } from '../../common/api-queries.ts';
import type { Scope } from '../../common/catalog.ts';
import type { Snapshot } from '../../common/snapshot.ts';
import { dayIndexOf } from '../../common/time.ts';
import { catalogOfScope } from '../catalog/catalog-of-scope.ts';
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
  /** The snapshot at a past instant (time travel, server/archive/time-travel.ts, handed by hub.ts); absent: `at` is refused. */
  snapshotAt?: (scope: Scope, at: number) => Promise<Snapshot>;
}

const open: RequestHandler = (_req, _res, next) => next();

export function readRouter(deps: ReadDeps) {
  const router = apiRouter();
  const guard = deps.guard ?? { figures: open, reference: open };
  // ?scope=: only the center that scope lies in (catalog-of-scope.ts); none: the whole catalog
  router.get('/api/v1/catalog', guard.reference, (req, res) => {
    const q = parseQuery(req, scopeQuery);
    res.json(q.scope ? catalogOfScope(deps.catalog, knownScope(q.scope, deps.catalog)) : deps.catalog.catalog);
  });

  router.get('/api/v1/snapshot', guard.figures, async (req, res) => {
    const now = deps.now();
    const q = parseQuery(req, snapshotQuery);
    const scope = knownScope(q.scope ?? 'city', deps.catalog);
    if (q.at !== undefined) {
      if (q.date !== undefined) throw new InputError('give either "date" or "at", not both', 'at');
      if (!deps.snapshotAt) throw new InputError('time travel is not available on this hub', 'at');
      res.json(await deps.snapshotAt(scope, q.at));
      return;
    }
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
