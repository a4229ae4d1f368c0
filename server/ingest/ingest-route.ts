/** POST /api/v1/events (docs/api.md, docs/contract.md): bearer token per source, per-event errors, 202 once durable. */
import { Router } from 'express';
import type { Logger } from 'pino';
import type { Scope } from '../../common/catalog.ts';
import { batchSchema, MAX_BATCH_EVENTS, type IngestResult } from '../../common/events.ts';
import { isCallEvent } from '../../common/live-calls.ts';
import type { CatalogIndex } from '../catalog/load-catalog.ts';
import { jsonBody } from '../http/app.ts';
import { HttpError } from '../http/http-error.ts';
import { StoreUnavailable } from '../domain-errors.ts';
import { RedisUnreachableError, replyCode } from '../redis/store-failure.ts';
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
import type { IngestSigner } from '../auth/ingest-credentials.ts';
import type { SourcePrincipal } from '../identity/principal.ts';
import { countIngestRequests } from './count-requests.ts';
import { apiRouter } from '../http/api-router.ts';

export interface IngestDeps {
  redis: RedisClient & ScriptCommands;
  keys: RedisKeys;
  catalog: CatalogIndex;
  metrics: HubMetrics;
  /** token → source and scope */
  tokens: () => Map<string, SourcePrincipal>;
  /** source → HMAC key of signed requests */
  signingKeys?: () => Map<string, IngestSigner>;
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
  /** The event types some alert rule watches (the alert engine reads only these). */
  alertEventTypes: ReadonlySet<string>;
  /** Told each source that authenticated (the token's "last used", kept by server/auth/token-store.ts). */
  onAuthenticated?: (source: string) => void;
  /** Told the scopes of a batch the append script applied, and whether it held a call (the walls show a call at once: docs/realtime.md). */
  onApplied?: (scopes: Set<Scope>, applied: number, call: boolean) => void;
  log: Logger;
}

export function ingestRouter(deps: IngestDeps): Router {
  const router = apiRouter();
  router.post('/api/v1/events', countIngestRequests(deps.metrics), jsonBody, async (req, res) => {
    // mounted before helmet (server/http/app.ts): of its headers, this one matters for a JSON answer
    res.setHeader('X-Content-Type-Options', 'nosniff');
    const { source, scope } = await authenticateSource(req, deps);
    deps.onAuthenticated?.(source);
    const batch = batchSchema.safeParse(req.body);
    if (!batch.success) throw new HttpError(400, 'the body must be a JSON array of events or {"events": [...]}', 'body');
    const items = Array.isArray(batch.data) ? batch.data : batch.data.events;
    if (items.length > MAX_BATCH_EVENTS) throw new HttpError(413, `a batch holds at most ${MAX_BATCH_EVENTS} events; this one has ${items.length}`, 'events');

    const now = deps.now();
    const { valid, rejected } = validateBatch(items, { source, scope, catalog: deps.catalog, now, maxAgeDays: deps.dedupeDays });
    let appended;
    try {
      appended = await deps.gate.run((deadline) =>
        appendEvents(deps.redis, deps.keys, source, valid, {
          catalog: deps.catalog,
          dedupeDays: deps.dedupeDays,
          retentionMs: deps.eventLogMs,
          now,
          deadline: deps.redisClock.toRedis(deadline),
          applyInline: deps.applyInline,
          alertEventTypes: deps.alertEventTypes,
        }),
      );
    } catch (err) {
      throw new StoreUnavailable(
        err,
        nothingTaken(err)
          ? 'nothing of this batch was taken; send it again'
          : 'Redis did not confirm the batch, so it may or may not have been taken; send it again (repeats are counted once)',
      );
    }
    if (appended.faults) deps.log.error({ faults: appended.faults }, 'the append script failed on events; they were refused, the rest of the batch taken');
    // a batch with a call goes to the walls at once (server/realtime/live-rooms.ts)
    const call = valid.some((v) => isCallEvent(v.event.type));
    if (appended.appliedScopes) deps.onApplied?.(new Set(appended.appliedScopes), appended.accepted, call);
    // refused by the append script (checked before its first write): not taken, listed like the rest
    const refused = appended.refused.length > 0 ? [...rejected, ...appended.refused].sort((a, b) => a.index - b.index) : rejected;
    try {
      if (appended.accepted > 0) await awaitDurable(deps.redis, deps.durability, 1000);
    } catch (err) {
      // the events are in Redis but not known to be on disk: the sender resends, repeats count once
      throw new StoreUnavailable(err, 'the events were stored but not confirmed on disk; send the batch again (repeats are counted once)');
    }
    deps.metrics.ingestEvents.inc({ source, outcome: 'accepted' }, appended.accepted);
    deps.metrics.ingestEvents.inc({ source, outcome: 'duplicate' }, appended.duplicates);
    deps.metrics.ingestEvents.inc({ source, outcome: 'rejected' }, refused.length);
    const result: IngestResult = { accepted: appended.accepted, duplicates: appended.duplicates, rejected: refused };
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
  return (
    err instanceof StoreBusyError ||
    err instanceof AppendDeadlineError ||
    // the client refused to send it: no connection, and no offline queue to wait in
    (err instanceof RedisUnreachableError && !err.sent) ||
    // Redis refuses a script's first write when out of memory, after a failed persistence or on a
    // replica; the append script writes nothing before it has checked everything (compute, then
    // write), and once it has written Redis lets it finish, so these errors mean nothing was taken
    ['OOM', 'MISCONF', 'READONLY'].includes(replyCode(err) ?? '')
  );
}
