/** GET /healthz and GET /metrics (docs/deploy.md): open, for load balancers and Prometheus. */
import type { Router } from 'express';
import { apiRouter } from '../http/api-router.ts';
import type { RedisClient } from '../redis/connect.ts';
import type { RedisKeys } from '../redis/keys.ts';
import { checkHealth, healthHttpStatus } from './health.ts';
import type { HubMetrics } from './metrics.ts';

export function opsRouter(deps: {
  redis: RedisClient;
  keys: RedisKeys;
  metrics: HubMetrics;
  /** How far the event archive is behind (null: off); a failure to read it is reported as null too. */
  archiveStatus?: () => Promise<unknown>;
}): Router {
  const router = apiRouter();
  router.get('/healthz', async (_req, res) => {
    const health = await checkHealth(deps.redis, deps.keys, deps.metrics);
    const archive = health.redis.reachable && deps.archiveStatus ? await deps.archiveStatus().catch(() => null) : null;
    // the archive's object store failing for long: a warning (the hub still takes events)
    if ((archive as { upload?: { stalled?: boolean } | null } | null)?.upload?.stalled) {
      health.reasons.push('archive-store-down');
      health.status = 'degraded';
    }
    // 503 whenever Redis cannot take events (unreachable, refusing writes, disk or memory full)
    res.status(healthHttpStatus(health)).json({ ...health, archive });
  });
  router.get('/metrics', async (_req, res) => {
    await checkHealth(deps.redis, deps.keys, deps.metrics);
    res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });
  return router;
}
