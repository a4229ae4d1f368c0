/** POST /api/v1/events (DESIGN section 8): bearer token per source, per-event errors, 202 once durable. */
import { Router } from 'express';
import type { Logger } from 'pino';
import type { Scope } from '../../common/catalog.ts';
import { batchSchema, MAX_BATCH_EVENTS, type IngestResult } from '../../common/events.ts';
import type { CatalogIndex } from '../catalog/load-catalog.ts';
import { jsonBody } from '../http/app.ts';
import { HttpError, StoreUnavailableError } from '../http/http-error.ts';
import type { HubMetrics } from '../observability/metrics.ts';
import type { RedisClient } from '../redis/connect.ts';
import type { RedisKeys } from '../redis/keys.ts';
import type { ScriptCommands } from '../redis/scripts.ts';
import { AppendDeadlineError, appendEvents } from './append-events.ts';
import { awaitDurable, type Durability } from './durability.ts';
import type { RedisClock } from '../redis/redis-clock.ts';
import { StoreBusyError, type AppendGate } from './append-gate.ts';
import { validateBatch } from './validate-batch.ts';
import { authenticateSource } from './request-auth.ts';

export interface IngestDeps {
  redis: RedisClient & ScriptCommands;
  keys: RedisKeys;
  catalog: CatalogIndex;
  metrics: HubMetrics;
  /** token → source */
  tokens: () => Map<string, string>;
  /** source → HMAC key of signed requests */
  signingKeys?: () => Map<string, string>;
  /** Sources that must sign their requests (YG-HMAC-SHA256). */
  signedSources?: Set<string>;
  dedupeDays: number;
  /** How long the event logs keep entries. */
  eventLogMs: number;
  now: () => number;
  durability: Durability;
  redisClock: RedisClock;
  /** Bounds the wait for Redis (REDIS_COMMAND_TIMEOUT_MS) and the batches waiting. */
  gate: AppendGate;
  /** Apply a batch in the append script when the aggregators are caught up (hubs that aggregate). */
  applyInline: boolean;
  /** Told the scopes of a batch the append script applied. */
  onApplied?: (scopes: Set<Scope>, applied: number) => void;
  log: Logger;
}

export function ingestRouter(deps: IngestDeps): Router {
  const router = Router();
  router.post('/api/v1/events', jsonBody, async (req, res) => {
    // mounted before helmet (server/http/app.ts): of its headers, this one matters for a JSON answer
    res.setHeader('X-Content-Type-Options', 'nosniff');
    const source = await authenticateSource(req, deps);
    const batch = batchSchema.safeParse(req.body);
    if (!batch.success) throw new HttpError(400, 'the body must be a JSON array of events or {"events": [...]}', 'body');
    const items = Array.isArray(batch.data) ? batch.data : batch.data.events;
    if (items.length > MAX_BATCH_EVENTS) throw new HttpError(413, `a batch holds at most ${MAX_BATCH_EVENTS} events; this one has ${items.length}`, 'events');

    const now = deps.now();
    const { valid, rejected } = validateBatch(items, { source, catalog: deps.catalog, now, maxAgeDays: deps.dedupeDays });
    let appended;
    try {
      appended = await deps.gate.run((deadline) =>
        appendEvents(deps.redis, deps.keys, source, valid, {
          catalog: deps.catalog, dedupeDays: deps.dedupeDays, retentionMs: deps.eventLogMs, now, deadline: deps.redisClock.toRedis(deadline), applyInline: deps.applyInline,
        }));
    } catch (err) {
      throw new StoreUnavailableError(err, nothingTaken(err)
        ? 'nothing of this batch was taken; send it again'
        : 'Redis did not confirm the batch, so it may or may not have been taken; send it again (repeats are counted once)');
    }
    if (appended.deadLettered) deps.log.error({ failed: appended.deadLettered }, 'events cannot be aggregated; moved to the dead-letter stream');
    if (appended.appliedScopes) deps.onApplied?.(new Set(appended.appliedScopes), appended.accepted - (appended.deadLettered?.length ?? 0));
    try {
      if (appended.accepted > 0) await awaitDurable(deps.redis, deps.durability, 1000);
    } catch (err) {
      // the events are in Redis but not known to be on disk: the sender resends, repeats count once
      throw new StoreUnavailableError(err, 'the events were stored but not confirmed on disk; send the batch again (repeats are counted once)');
    }
    deps.metrics.ingestEvents.inc({ source, outcome: 'accepted' }, appended.accepted);
    deps.metrics.ingestEvents.inc({ source, outcome: 'duplicate' }, appended.duplicates);
    deps.metrics.ingestEvents.inc({ source, outcome: 'rejected' }, rejected.length);
    const result: IngestResult = { accepted: appended.accepted, duplicates: appended.duplicates, rejected };
    // not res.json(): Express would hash every answer for an ETag, of no use to a POST
    res.status(202).set('Content-Type', 'application/json; charset=utf-8').end(JSON.stringify(result));
  });
  return router;
}

/**
 * Errors after which the batch certainly did not reach the stream. A timeout is not one of them:
 * Redis may have run the script just before it froze, with the reply stuck in its output buffer.
 */
function nothingTaken(err: unknown): boolean {
  return err instanceof StoreBusyError || err instanceof AppendDeadlineError
    // ioredis refuses a command it cannot send while disconnected (no offline queue)
    || /Stream isn't writeable|enableOfflineQueue/.test(String((err as Error)?.message));
}
