/**
 * Wires one hub process: Redis clients, the ingest API, the aggregator, the read API and the
 * operational endpoints. Every dependency comes in, so tests start hubs against their own Redis.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Logger } from 'pino';
import type { Scope } from '../common/catalog.ts';
import { createAggregator, type Aggregator, type AggregatorOptions } from './aggregate/aggregator.ts';
import { createArchiveWriter, type ArchiveWriter, type ArchiveWriterOptions } from './archive/archive-writer.ts';
import { readArchiveStatus, registerArchiveMetrics } from './archive/archive-status.ts';
import { createArchiveReader } from './archive/archive-reader.ts';
import {
  createArchiveUploader,
  registerUploadMetrics,
  uploadStatusReader,
  type ArchiveUploader,
  type ArchiveUploaderOptions,
} from './archive/archive-upload.ts';
import { createObjectStore } from './archive/object-store.ts';
import { archiveRouter } from './archive/archive-routes.ts';
import { withReplayScripts } from './archive/replay-core.ts';
import { archiveThenStream } from './archive/stream-source.ts';
import { createTimeTravel } from './archive/time-travel.ts';
import { startCheckpointScheduler } from './archive/checkpoint-schedule.ts';
import { createCheckpointStore } from './archive/time-travel-checkpoints.ts';
import { syncCalendar } from './aggregate/calendar-sync.ts';
import { missingCalendarYears } from './catalog/load-calendar.ts';
import type { CatalogIndex } from './catalog/load-catalog.ts';
import { checkIngestTokenScopes, checkScreenTokenScopes } from './catalog/scopes.ts';
import { createConfigStore, type ConfigStore } from './config-store/config-store.ts';
import { configRouter } from './config-store/config-routes.ts';
import { alertsPreviewRouter } from './config-store/alerts-preview-routes.ts';
import { createAlertsPreviewer } from './config-store/alerts-preview.ts';
import { liveConfig } from './config-store/live-config.ts';
import { seedFilesOf } from './config-store/sections.ts';
import type { HubConfig } from './config/env.ts';
import { createApp } from './http/app.ts';
import { ingestRouter } from './ingest/ingest-route.ts';
import { checkDurability } from './ingest/durability.ts';
import { createAppendGate } from './ingest/append-gate.ts';
import { createRedisClock } from './redis/redis-clock.ts';
import { opsRouter } from './observability/ops-routes.ts';
import { createLogger } from './observability/logger.ts';
import { createMetrics, registerLiveMetrics, type HubMetrics } from './observability/metrics.ts';
import { readRouter } from './read/read-routes.ts';
import { cockpitRouter } from './read/cockpit/cockpit-routes.ts';
import { forecastRouter, readForecast } from './forecast/forecast-routes.ts';
import { deadLetterRouter } from './aggregate/dead-letter-routes.ts';
import { requireRole } from './auth/middleware.ts';
import { screensRouter } from './screens/screens-routes.ts';
import { playlistRouter } from './screens/playlist-routes.ts';
import { startFleet, type Fleet, type FleetTuning } from './screens/start-fleet.ts';
import { readGuard } from './http/read-guard.ts';
import { attachRealtime, type Realtime } from './realtime/attach-realtime.ts';
import { connectRedis, waitForRedis, type RedisClient, type RedisTarget } from './redis/connect.ts';
import { redisKeys, type RedisKeys } from './redis/keys.ts';
import { withScripts, type ScriptCommands } from './redis/scripts.ts';
import { runMigrations } from './redis/migrations/run-migrations.ts';
import { createAuth, type Auth, type AuthOptions } from './auth/auth-service.ts';
import { claimHubSecret, loadHubSecret } from './auth/hub-secret.ts';
import { authRouter } from './auth/auth-routes.ts';
import { startAlerts, type AlertEngineTuning, type Alerts } from './alerts/start-alerts.ts';
import { WATCHED_EVENT_TYPES } from './alerts/event-ops.ts';
import { openApiRouter } from './openapi/openapi-routes.ts';
import { startNotify, type Notify, type NotifyTuning } from './notify/start-notify.ts';
import { createFollowUps } from './reviews/follow-ups.ts';
import { reviewRouter } from './reviews/review-routes.ts';
import { staffRouter } from './read/staff-routes.ts';
import { startReports } from './reports/start-reports.ts';
import type { AlertMessage } from '../common/alerts.ts';

export interface HubOptions {
  config: HubConfig;
  redisTarget: RedisTarget;
  log?: Logger;
  /** The clock; tests pass their own. */
  now?: () => number;
  aggregator?: Pick<AggregatorOptions, 'batchSize' | 'idleMs'>;
  /** Archive writer tuning (tests shorten the lease). */
  archive?: Pick<ArchiveWriterOptions, 'batchSize' | 'idleMs' | 'leaseMs'>;
  /** Tuning of the copy to the object store (tests retry sooner). */
  archiveUpload?: Pick<ArchiveUploaderOptions, 'idleMs' | 'maxBackoffMs' | 'warnAfterMs'>;
  /** Alert engine tuning (tests tick faster). */
  alerts?: AlertEngineTuning;
  /** Sign-in lockout limits (tests shorten the window). */
  lockout?: AuthOptions['lockout'];
  /** Notification outbox tuning (tests tick faster and retry sooner). */
  notify?: NotifyTuning;
  /** Screen fleet tuning (tests shorten the online window). */
  fleet?: FleetTuning;
  /** Waits between the attempts to send a scheduled report (tests retry sooner; server/reports/report-send.ts). */
  reportSendRetryMs?: number[];
}

export interface Hub {
  url: string;
  port: number;
  server: http.Server;
  redis: RedisClient & ScriptCommands;
  keys: RedisKeys;
  /** The live catalog (the `catalog` configuration section, read at each use). */
  catalog: CatalogIndex;
  /** The configuration sections (server/config-store/, docs/admin.md). */
  config: ConfigStore;
  metrics: HubMetrics;
  log: Logger;
  aggregator: Aggregator | null;
  /** The event archive's writer (null: ARCHIVE=off); it writes while this hub holds the lease. */
  archive: ArchiveWriter | null;
  /** The copy of the sealed archive to the object store (null: no ARCHIVE_S3_URL); it uploads while this hub writes the archive. */
  archiveUploader: ArchiveUploader | null;
  auth: Auth;
  alerts: Alerts;
  notify: Notify;
  fleet: Fleet;
  /** Subscribe to the scopes changed by each applied batch (this process only); `call`: the batch held a call (server/realtime/live-rooms.ts). */
  onApplied(listener: (scopes: Set<Scope>, call: boolean) => void): () => void;
  stop(): Promise<void>;
}

export async function startHub(opts: HubOptions): Promise<Hub> {
  const { config } = opts;
  const log = opts.log ?? createLogger(config.logLevel);
  const now = opts.now ?? Date.now;
  const keys = redisKeys(config.keyPrefix);
  if (config.ingestTokens.size === 0) log.warn('INGEST_TOKENS is empty: POST /api/v1/events will refuse every request (401)');
  // kept outside Redis: rotated ingest tokens are derived with it (docs/auth.md, "Secrets at rest")
  const hubSecret = loadHubSecret({ hubSecret: config.hubSecret, dataDir: config.dataDir });
  if (hubSecret.from === 'file-created')
    log.info({ file: hubSecret.file }, 'created the hub secret; every other hub of this deployment needs a copy (docs/deploy.md)');
  if (hubSecret.warning) log.warn(hubSecret.warning);

  const redis = withScripts(connectRedis(opts.redisTarget, { name: 'yg-hub', commandTimeoutMs: config.commandTimeoutMs }));
  // ingest waits on its own terms (append-gate.ts): its deadline, not a client timeout, decides a 503
  const ingestRedis = withScripts(connectRedis(opts.redisTarget, { name: 'yg-ingest', commandTimeoutMs: null }));
  for (const c of [redis, ingestRedis]) c.on('error', (err: Error) => log.debug({ err: err.message }, 'redis connection error'));
  await waitForRedis(redis);
  await waitForRedis(ingestRedis);
  await claimHubSecret(redis, keys, hubSecret).catch((err: unknown) => {
    redis.disconnect();
    ingestRedis.disconnect();
    throw err;
  });
  // the configuration: Redis has it; the files seed a fresh Redis (docs/admin.md)
  let configStore: ConfigStore;
  try {
    configStore = await createConfigStore({
      redis,
      redisTarget: opts.redisTarget,
      keys,
      log,
      now,
      seed: seedFilesOf(config),
    });
  } catch (err) {
    redis.disconnect();
    ingestRedis.disconnect();
    throw err;
  }
  const live = liveConfig(configStore, { redis, keys, log });
  const { catalog, calendar } = live;
  try {
    checkScreenTokenScopes(config.screenTokens, catalog);
    checkIngestTokenScopes(config.ingestTokens, catalog);
  } catch (err) {
    await configStore.close();
    redis.disconnect();
    ingestRedis.disconnect();
    throw err;
  }
  const missing = missingCalendarYears(calendar, now());
  if (missing.length > 0) {
    log.warn(
      `holiday calendar: no published schedule for ${missing.join(', ')}; deadlines in ${missing.length > 1 ? 'those years' : 'that year'} count Monday to Friday only. Add the schedule to the holidays section (PUT /api/v1/admin/config/holidays, docs/admin.md) when the State Council publishes it.`,
    );
  }
  await syncCalendar(redis, keys, calendar);
  // what an older release left in Redis, in this release's layout before anything reads or writes it (docs/deploy.md, "Upgrading")
  await runMigrations({ redis, keys, catalog: catalog.catalog, log, now }).catch(async (err: unknown) => {
    await configStore.close();
    redis.disconnect();
    ingestRedis.disconnect();
    throw err;
  });
  const durability = await checkDurability(redis, config.ingestDurability);
  const redisClock = await createRedisClock(redis);
  log.info({ durability }, 'ingest durability');

  const metrics = createMetrics();
  const listeners = new Set<(scopes: Set<Scope>, call: boolean) => void>();
  // events applied by ingest (caught up) or by the aggregator (a backlog): the realtime layer's cue
  const announceApplied = (scopes: Set<Scope>, applied: number, call = false) => {
    metrics.aggregatedEvents.inc(applied);
    for (const l of listeners) l(scopes, call);
  };
  let aggregator: Aggregator | null = null;
  if (config.runAggregator) {
    aggregator = createAggregator({
      redis,
      keys,
      log,
      now,
      retentionMs: config.eventLogMs,
      batchSize: config.aggregatorBatchSize,
      ...opts.aggregator,
      onApplied: announceApplied,
    });
    await aggregator.start();
  }
  // the event archive (docs/archive.md): every hub with ARCHIVE=on stands by; one writes at a time
  // with an object store the hub that writes also copies each sealed segment to it (archive-upload.ts)
  const archiveStore = config.archive?.store ? createObjectStore(config.archive.store) : null;
  const archiveUploader: ArchiveUploader | null =
    config.archive && archiveStore
      ? createArchiveUploader({
          dir: config.archive.dir,
          store: archiveStore,
          redis,
          keys,
          log,
          now,
          keepDays: config.archive.keepDays,
          active: (): boolean => archive?.holding() ?? false,
          ...opts.archiveUpload,
        })
      : null;
  const archive: ArchiveWriter | null = config.archive
    ? createArchiveWriter({
        redis,
        keys,
        log,
        now,
        dir: config.archive.dir,
        keepDays: config.archive.localKeepDays,
        ...(archiveUploader ? { mayRemoveDate: archiveUploader.dateUploaded } : {}),
        ...opts.archive,
      })
    : null;
  archive?.start();
  archiveUploader?.start();
  const readUploadStatus = uploadStatusReader(redis, keys, log);
  const archiveStatus = async () => {
    const status = await readArchiveStatus(redis, keys);
    return status && archiveStore ? { ...status, upload: await readUploadStatus() } : status;
  };
  registerArchiveMetrics(metrics.registry, archiveStatus, () => archive?.stats ?? { entries: 0, bytes: 0 });
  if (archiveStore) registerUploadMetrics(metrics.registry, readUploadStatus);
  // export and time travel read the folder, and the bucket for what the folder no longer holds
  const archiveReader = config.archive
    ? createArchiveReader({ dir: config.archive.dir, store: archiveStore, localKeepDays: config.archive.localKeepDays, now })
    : null;
  // time travel (docs/archive.md): a past instant's snapshot, replayed from the archive into scratch keys
  const timeTravel = createTimeTravel({
    redis: withReplayScripts(redis),
    keys,
    source: archiveThenStream(archiveReader, redis, keys, now),
    catalog,
    now,
    log,
    // past days' hourly checkpoints, kept beside the archive (time-travel-checkpoints.ts)
    checkpoints: config.archive ? createCheckpointStore({ dir: config.archive.dir, redis, keys }) : null,
  });
  // yesterday's checkpoints made overnight, so its first replay is quick (checkpoint-schedule.ts)
  const checkpointScheduler =
    config.archive && config.archive.checkpointAtMinute !== null
      ? startCheckpointScheduler({ timeTravel, now, log }, { atMinute: config.archive.checkpointAtMinute })
      : null;

  const auth = createAuth({
    redis,
    keys,
    catalog,
    log,
    now,
    ingestTokens: config.ingestTokens,
    hubSecret,
    screenTokens: config.screenTokens,
    adminPassword: config.adminPassword,
    cookieSecure: config.cookieSecure,
    sessionIdleHours: config.sessionIdleHours,
    ...(opts.lockout ? { lockout: opts.lockout } : {}),
  });
  await auth.start();
  // the alert changes this process makes go to the notifications; those before they start wait for them
  let notify: Notify | null = null;
  const early: AlertMessage[][] = [];
  const alerts = await startAlerts({
    config: live.alerts,
    runEngine: config.runAggregator,
    redis,
    redisTarget: opts.redisTarget,
    keys,
    catalog,
    calendar,
    log,
    now,
    auth,
    ...(opts.alerts ? { tuning: opts.alerts } : {}),
    onChange: (messages) => (notify ? notify.onAlertMessages(messages) : early.push(messages)),
  });
  let publicUrl = config.publicUrl ?? '';
  const startedNotify: Notify = await startNotify({
    config: live.notify,
    redis,
    prefix: keys.prefix,
    catalog,
    log,
    now,
    auth,
    store: alerts.store,
    publicUrl: () => publicUrl,
    ...(opts.notify ? { tuning: opts.notify } : {}),
  });
  notify = startedNotify;
  for (const messages of early.splice(0)) startedNotify.onAlertMessages(messages);

  // attached to each route it guards (server/http/api-router.ts says why)
  const screenReads = readGuard({ identity: auth.identity, catalog });
  const fleet = startFleet({ redis, keys, auth, log, now, ...(opts.fleet ? { tuning: opts.fleet } : {}) });
  const reports = startReports({
    redis,
    keys,
    catalog,
    now,
    log,
    config: live.cockpit,
    guard: requireRole(auth, 'leader', 'admin'),
    schedule: config.reports,
    notify: { config: startedNotify.config, publicUrl: () => publicUrl, ...(opts.reportSendRetryMs ? { retryDelaysMs: opts.reportSendRetryMs } : {}) },
  });
  // one reader of the bad-review follow-ups: their routes, and the cockpit overview's 整改率
  const followUps = createFollowUps({ redis, keys, store: alerts.store, now });
  const app = createApp(
    {
      machine: [
        ingestRouter({
          redis: ingestRedis,
          keys,
          catalog,
          metrics,
          tokens: () => auth.tokens.ingestTokens(),
          signingKeys: () => auth.tokens.ingestSigners(),
          onAuthenticated: (source) => auth.tokens.noteUsed('ingest', source),
          signedSources: config.signedSources,
          dedupeDays: config.dedupeDays,
          eventLogMs: config.eventLogMs,
          now,
          durability,
          redisClock,
          gate: createAppendGate({ timeoutMs: config.commandTimeoutMs }),
          // a hub that aggregates applies its batches at once when the group is caught up
          applyInline: config.runAggregator,
          alertEventTypes: WATCHED_EVENT_TYPES,
          onApplied: announceApplied,
          log,
        }),
      ],
      browser: [
        opsRouter({ redis, keys, metrics, archiveStatus }),
        openApiRouter(),
        readRouter({ redis, keys, catalog, now, guard: screenReads, snapshotAt: timeTravel.snapshotAt }),
        cockpitRouter({
          redis,
          keys,
          catalog,
          now,
          config: live.cockpit,
          guard: requireRole(auth, 'leader', 'admin'),
          reviewFigures: (scope, day) => followUps.figures(scope, day),
          // the hourly chart's usual day comes in the overview: the wall's first screen is two requests
          usualDay: (scope, day) => readForecast({ redis, keys, catalog, calendar, now }, scope, day, 'cases'),
        }),
        forecastRouter({ redis, keys, catalog, calendar, now, guard: requireRole(auth, 'leader', 'supervisor', 'admin') }),
        screensRouter({ guard: screenReads.reference, officeHours: () => alerts.officeHours(), hallConfig: live.hall }),
        playlistRouter({
          guard: screenReads.reference,
          identity: auth.identity,
          playlists: () => configStore.current('playlists'),
          officeHours: () => alerts.officeHours(),
          isWorkday: (day) => calendar.isWorkday(day),
          now,
        }),
        // the alert-rules preview replays a kept day through a scratch alert engine (docs/admin.md)
        alertsPreviewRouter({
          auth,
          previewer: createAlertsPreviewer({
            redis,
            redisTarget: opts.redisTarget,
            keys,
            catalog,
            calendar,
            log,
            store: configStore,
            now,
            eventLogMs: config.eventLogMs,
          }),
        }),
        configRouter({ auth, store: configStore }),
        fleet.router,
        authRouter(auth),
        deadLetterRouter({ redis, keys, guard: requireRole(auth, 'admin') }),
        archiveRouter({ auth, source: archiveReader, log }),
        alerts.router,
        startedNotify.router,
        reviewRouter({ auth, catalog, now, followUps }),
        staffRouter({ auth, redis, keys, catalog, now }),
        reports.router,
      ],
    },
    log,
    { allowedOrigins: config.live.allowedOrigins, trustProxy: config.trustProxy, now },
  );

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
  const onApplied = (listener: (scopes: Set<Scope>, call: boolean) => void) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  };
  const realtime: Realtime = await attachRealtime({
    server,
    config,
    redis,
    redisTarget: opts.redisTarget,
    keys,
    catalog,
    log,
    now,
    onApplied,
    identity: auth.identity,
  });
  alerts.attach(realtime);
  // every hub applies a change and tells its own screens (the hall refetches its notices)
  configStore.onChange((section, version) => {
    realtime.live.local.emit('config', { section, version });
  });
  fleet.attach(realtime);
  registerLiveMetrics(metrics, realtime);
  const port = (server.address() as AddressInfo).port;
  const url = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`;
  // without PUBLIC_URL, a message's link names the hub as it listens (right for one host only)
  if (!publicUrl) publicUrl = url;
  log.info({ url, aggregator: aggregator ? 'on' : 'off' }, 'hub listening');

  return {
    url,
    port,
    server,
    redis,
    keys,
    catalog,
    config: configStore,
    metrics,
    log,
    aggregator,
    archive,
    archiveUploader,
    auth,
    alerts,
    notify: startedNotify,
    fleet,
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
      await archive?.stop();
      await archiveUploader?.stop();
      archiveStore?.close();
      // time travel's stop tells a make of checkpoints under way to end at its next half hour; the
      // schedule's stop waits for its check (that make) to return: called in that order, both end soon
      await Promise.all([timeTravel.stop(), checkpointScheduler?.stop()]);
      await alerts.stop();
      await startedNotify.stop();
      await reports.stop();
      await configStore.close();
      auth.stop();
      redisClock.stop();
      ingestRedis.disconnect();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
