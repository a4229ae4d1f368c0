/** GET /api/v1/admin/dead-letters?count=N, behind the admin guard: what aggregation gave up on. */
import type { RequestHandler, Router } from 'express';
import { deadLettersQuery } from '../../common/api-queries.ts';
import { apiRouter } from '../http/api-router.ts';
import { parseQuery } from '../http/parse-request.ts';
import type { RedisClient } from '../redis/connect.ts';
import type { RedisKeys } from '../redis/keys.ts';
import { readDeadLetters } from './dead-letters.ts';

export function deadLetterRouter(deps: { redis: RedisClient; keys: RedisKeys; guard: RequestHandler }): Router {
  const router = apiRouter();
  router.get('/api/v1/admin/dead-letters', deps.guard, async (req, res) => {
    const count = parseQuery(req, deadLettersQuery).count ?? 100;
    res.json(await readDeadLetters(deps.redis, deps.keys, count));
  });
  return router;
}
