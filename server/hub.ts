/**
 * Wires one hub process: Redis clients, the ingest API, the aggregator, the read API and the
 * operational endpoints. Every dependency comes in, so tests start hubs against their own Redis.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Router } from 'express';
import type { Logger } from 'pino';
import type { Scope } from '../common/catalog.ts';
import { createAggregator, type Aggregator, type AggregatorOptions } from './aggregate/aggregator.ts';
import { syncCalendar } from './aggregate/calendar-sync.ts';
import { loadCalendar, missingCalendarYears } from './catalog/load-calendar.ts';
import { loadCatalog, type CatalogIndex } from './catalog/load-catalog.ts';
import type { HubConfig } from './config/env.ts';
import { createApp } from './http/app.ts';
import { ingestRouter } from './ingest/ingest-route.ts';
import { checkDurability } from './ingest/durability.ts';
import { createAppendGate } from './ingest/append-gate.ts';
import { createRedisClock } from './redis/redis-clock.ts';
import { checkHealth } from './observability/health.ts';
import { createLogger } from './observability/logger.ts';
import { createMetrics, registerLiveMetrics, type HubMetrics } from './observability/metrics.ts';
import { readRouter } from './read/read-routes.ts';
import { cockpitRouter } from './read/cockpit/cockpit-routes.ts';
import { deadLetterRouter } from './aggregate/dead-letters.ts';
import { requireRole } from './auth/middleware.ts';
import { screensRouter } from './http/screens-route.ts';
import { GUARDED_READS, readGuard } from './http/read-guard.ts';
import { attachRealtime, type Realtime } from './realtime/attach-realtime.ts';
import { connectRedis, waitForRedis, type RedisClient, type RedisTarget } from './redis/connect.ts';
import { redisKeys, type RedisKeys } from './redis/keys.ts';
import { withScripts, type ScriptCommands } from './redis/scripts.ts';
import { createAuth, type Auth } from './auth/auth-service.ts';
import { authRouter } from './auth/auth-routes.ts';
import { startAlerts, type AlertEngineTuning, type Alerts } from './alerts/start-alerts.ts';

export interface HubOptions {
  config: HubConfig;
  redisTarget: RedisTarget;
  log?: Logger;
  /** The clock; tests pass their own. */
  now?: () => number;
  aggregator?: Pick<AggregatorOptions, 'batchSize' | 'idleMs'>;
  /** Alert engine tuning (tests tick faster). */
  alerts?: AlertEngineTuning;
}

export interface Hub {
  url: string;
  port: number;
  server: http.Server;
  redis: RedisClient & ScriptCommands;
  keys: RedisKeys;
  catalog: CatalogIndex;
  metrics: HubMetrics;
  log: Logger;
  aggregator: Aggregator | null;
  auth: Auth;
  alerts: Alerts;
  /** Subscribe to the scopes changed by each applied batch (this process only). */
  onApplied(listener: (scopes: Set<Scope>) => void): () => void;
  stop(): Promise<void>;
}

export async function startHub(opts: HubOptions): Promise<Hub> {
  const { config } = opts;
  const log = opts.log ?? createLogger(config.logLevel);
  const now = opts.now ?? Date.now;
  const keys = redisKeys(config.keyPrefix);
  const catalog = loadCatalog(config.catalogDir);
  const calendar = loadCalendar(config.holidaysFile);
  const missing = missingCalendarYears(calendar, now());
  if (missing.length > 0) {
    log.warn(`holiday calendar: no published schedule for ${missing.join(', ')}; deadlines in ${missing.length > 1 ? 'those years' : 'that year'} count Monday to Friday only. Add the schedule to ${config.holidaysFile} when the State Council publishes it.`);
  }
  if (config.ingestTokens.size === 0) log.warn('INGEST_TOKENS is empty: POST /api/v1/events will refuse every request (401)');

  const redis = withScripts(connectRedis(opts.redisTarget, { name: 'yg-hub', commandTimeoutMs: config.commandTimeoutMs }));
  // ingest waits on its own terms (append-gate.ts): its deadline, not a client timeout, decides a 503
  const ingestRedis = withScripts(connectRedis(opts.redisTarget, { name: 'yg-ingest', commandTimeoutMs: null }));
  for (const c of [redis, ingestRedis]) c.on('error', (err: Error) => log.debug({ err: err.message }, 'redis connection error'));
  await waitForRedis(redis);
  await waitForRedis(ingestRedis);
  await syncCalendar(redis, keys, calendar);
  const durability = await checkDurability(redis, config.ingestDurability);
  const redisClock = await createRedisClock(redis);
  log.info({ durability }, 'ingest durability');

  const metrics = createMetrics();
  const listeners = new Set<(scopes: Set<Scope>) => void>();
  // events applied by ingest (caught up) or by the aggregator (a backlog): the realtime layer's cue
  const announceApplied = (scopes: Set<Scope>, applied: number) => {
    metrics.aggregatedEvents.inc(applied);
    for (const l of listeners) l(scopes);
  };
  let aggregator: Aggregator | null = null;
  if (config.runAggregator) {
    aggregator = createAggregator({
      redis, keys, log, retentionMs: config.eventLogMs, batchSize: config.aggregatorBatchSize, ...opts.aggregator, onApplied: announceApplied,
    });
    await aggregator.start();
  }

  const auth = createAuth({
    redis, keys, catalog, log, now, ingestTokens: config.ingestTokens, screenTokens: config.screenTokens, adminPassword: config.adminPassword,
    cookieSecure: config.cookieSecure, sessionIdleHours: config.sessionIdleHours,
  });
  await auth.start();
  const alerts = await startAlerts({
    alertsFile: config.alertsFile, runEngine: config.runAggregator, redis, redisTarget: opts.redisTarget, keys, catalog, calendar, log, now, auth,
    ...(opts.alerts ? { tuning: opts.alerts } : {}),
  });

  const ops = Router();
  ops.get('/healthz', async (_req, res) => {
    const health = await checkHealth(redis, keys, metrics);
    res.status(health.redis.reachable ? 200 : 503).json(health);
  });
  ops.get('/metrics', async (_req, res) => {
    await checkHealth(redis, keys, metrics);
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  const guardedReads = Router();
  guardedReads.use(GUARDED_READS, readGuard({ auth, catalog }));
  const app = createApp({
    machine: [
      ingestRouter({ redis: ingestRedis, keys, catalog, metrics, tokens: () => auth.tokens.ingestTokens(),
        // the token store is keyed by each token's SHA-256, which is also the HMAC key of signed requests
        signingKeys: () => new Map([...auth.tokens.ingestTokens()].map(([hash, source]) => [source, hash])),
        signedSources: config.signedSources, dedupeDays: config.dedupeDays, eventLogMs: config.eventLogMs, now, durability, redisClock,
        gate: createAppendGate({ timeoutMs: config.commandTimeoutMs }),
        // a hub that aggregates applies its batches at once when the group is caught up
        applyInline: config.runAggregator, onApplied: announceApplied, log }),
    ],
    browser: [
      ops,
      guardedReads,
      readRouter({ redis, keys, catalog, now }),
      cockpitRouter({ redis, keys, catalog, now, guard: requireRole(auth, 'leader', 'admin') }),
      screensRouter(),
      authRouter(auth),
      deadLetterRouter({ redis, keys, guard: requireRole(auth, 'admin') }),
      alerts.router,
    ],
  }, log, { allowedOrigins: config.live.allowedOrigins });

  const server = http.createServer(app);
  // Every raw socket, so that stop() can cut those closeAllConnections() does not know
  // (upgraded WebSockets, connections that never sent a request).
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const onApplied = (listener: (scopes: Set<Scope>) => void) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  };
  const realtime: Realtime = await attachRealtime({
    server, config, redis, redisTarget: opts.redisTarget, keys, catalog, log, now, onApplied, resolveUser: auth.resolveSessionUser,
    screenTokens: { grant: (token) => auth.tokens.screenGrant(token), configured: () => auth.tokens.screenTokensConfigured() },
  });
  alerts.attach(realtime);
  registerLiveMetrics(metrics, realtime);
  const port = (server.address() as AddressInfo).port;
  const url = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`;
  log.info({ url, aggregator: aggregator ? 'on' : 'off' }, 'hub listening');

  return {
    url, port, server, redis, keys, catalog, metrics, log, aggregator, auth, alerts,
    onApplied,
    async stop() {
      // Requests in flight get a grace second; then every socket still open is cut, or the
      // server's close would wait for the peer (60 s for a browser's idle preconnection).
      const cutOff = setTimeout(() => {
        server.closeAllConnections();
        for (const socket of sockets) socket.destroy();
      }, 1000);
      await realtime.close(); // io.close() also closes the HTTP server and waits for it
      clearTimeout(cutOff);
      await aggregator?.stop();
      await alerts.stop();
      auth.stop();
      redisClock.stop();
      ingestRedis.disconnect();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
