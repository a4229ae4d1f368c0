/**
 * Wires the alerts of one hub process: thresholds, the engine (when this hub aggregates), the
 * store and API, and later the `/alerts` namespace on the realtime layer's Socket.IO server.
 */
import type { Router } from 'express';
import type { Logger } from 'pino';
import type { AlertMessage } from '../../common/alerts.ts';
import type { WorkCalendar } from '../../common/calendar.ts';
import type { Auth } from '../auth/auth-service.ts';
import type { CatalogIndex } from '../catalog/load-catalog.ts';
import { connectRedis, waitForRedis, type RedisClient, type RedisTarget } from '../redis/connect.ts';
import type { RedisKeys } from '../redis/keys.ts';
import type { Realtime } from '../realtime/attach-realtime.ts';
import type { AlertConfig, OfficePeriod } from './alert-config.ts';
import { createAlertEngine, type AlertEngine, type AlertEngineOptions } from './alert-engine.ts';
import { alertRouter } from './alert-routes.ts';
import { withAlertScripts } from './alert-scripts.ts';
import { createAlertStore, type AlertStore } from './alert-store.ts';
import { attachAlertsNamespace } from './alerts-namespace.ts';

export type AlertEngineTuning = Partial<
  Pick<AlertEngineOptions, 'tickMs' | 'batchSize' | 'claimIdleMs' | 'claimEveryMs' | 'blockMs' | 'consumerName' | 'capacityEveryMs'>
>;

export interface AlertsDeps {
  /** The thresholds and office hours; the hub hands a live one (the `alerts` section, read at each use). */
  config: AlertConfig;
  runEngine: boolean;
  redis: RedisClient;
  redisTarget: RedisTarget;
  keys: RedisKeys;
  catalog: CatalogIndex;
  calendar: WorkCalendar;
  log: Logger;
  now: () => number;
  auth: Auth;
  tuning?: AlertEngineTuning;
  /** Every alert change this process made (opened, acknowledged …), besides the consoles: the notifications' cue. */
  onChange?: (messages: AlertMessage[]) => void;
}

export interface Alerts {
  engine: AlertEngine | null;
  store: AlertStore;
  router: Router;
  /** Serves `/alerts` on the realtime layer's Socket.IO server. */
  attach(realtime: Pick<Realtime, 'io' | 'authenticate'>): void;
  /** The office hours now (the hall's voice is silent outside them: GET /api/v1/screens/hall). */
  officeHours(): OfficePeriod[];
  stop(): Promise<void>;
}

export async function startAlerts(deps: AlertsDeps): Promise<Alerts> {
  const { keys, catalog, log, now } = deps;
  const { config } = deps;
  const redis = withAlertScripts(deps.redis);
  let emit: (messages: AlertMessage[]) => void = () => undefined;
  const onMessages = (messages: AlertMessage[]) => {
    emit(messages);
    deps.onChange?.(messages);
  };
  const store = createAlertStore(redis, keys, now, onMessages);

  let engine: AlertEngine | null = null;
  let reader: RedisClient | null = null;
  if (deps.runEngine) {
    reader = connectRedis(deps.redisTarget, { name: 'yg-alerts', blocking: true });
    reader.on('error', (err: Error) => log.debug({ err: err.message }, 'alerts reader: redis connection error'));
    await waitForRedis(reader);
    engine = createAlertEngine({
      redis,
      reader,
      keys,
      log,
      now,
      onMessages,
      rules: {
        config,
        catalog,
        office: {
          calendar: deps.calendar,
          // read at each use: a PUT of the office hours applies without a restart
          get periods() {
            return config.officeHours;
          },
        },
      },
      ...deps.tuning,
    });
    await engine.start();
  }
  return {
    engine,
    store,
    router: alertRouter(deps.auth, store, now),
    officeHours: () => config.officeHours,
    attach(realtime) {
      const nsp = attachAlertsNamespace(realtime.io, realtime.authenticate);
      emit = nsp.emit;
    },
    async stop() {
      await engine?.stop();
      reader?.disconnect();
    },
  };
}
