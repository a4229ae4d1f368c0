/**
 * Wires the notifications of one hub process: the configuration (the live `notify` section), the outbox and
 * the escalation chains, a worker that runs both every tick, and the API. Every hub runs a worker:
 * they share the outbox through leases.
 */
import type { Router } from 'express';
import type { Logger } from 'pino';
import type { AlertMessage } from '../../common/alerts.ts';
import type { AlertStore } from '../alerts/alert-store.ts';
import type { Auth } from '../auth/auth-service.ts';
import type { CatalogIndex } from '../catalog/load-catalog.ts';
import type { RedisClient } from '../redis/connect.ts';
import { createEscalation, type Escalation } from './escalation.ts';
import type { NotifyConfigSource } from './notify-config.ts';
import { notifyRouter } from './notify-routes.ts';
import { createOutbox, type Outbox, type OutboxOptions } from './outbox.ts';
import { notifyKeys, withOutboxScripts } from './outbox-store.ts';

export type NotifyTuning = Partial<Pick<OutboxOptions, 'retryDelayMs' | 'retryForMs' | 'leaseMs'>> & {
  /** How often the worker runs. @default 1000 */
  tickMs?: number;
};

export interface NotifyDeps {
  /** The live `notify` configuration section (server/config-store/). */
  config: NotifyConfigSource;
  redis: RedisClient;
  prefix: string;
  catalog: CatalogIndex;
  log: Logger;
  now: () => number;
  auth: Auth;
  store: AlertStore;
  publicUrl: () => string;
  tuning?: NotifyTuning;
}

export interface Notify {
  router: Router;
  config: NotifyConfigSource;
  outbox: Outbox;
  escalation: Escalation;
  /** The alert changes this process made (start-alerts.ts reports each once, from the process whose script made it). */
  onAlertMessages(messages: AlertMessage[]): void;
  /** One round of the worker: configuration, due levels, due deliveries (tests call it with their clock). */
  tick(): Promise<void>;
  stop(): Promise<void>;
}

export async function startNotify(deps: NotifyDeps): Promise<Notify> {
  const { log, now, catalog } = deps;
  const redis = withOutboxScripts(deps.redis);
  const keys = notifyKeys(deps.prefix);
  const { config } = deps;
  const common = { redis, keys, catalog, log, now, config: () => config.current(), publicUrl: deps.publicUrl };
  const outbox = createOutbox({ ...common, ...deps.tuning });
  const escalation = createEscalation({
    ...common,
    outbox,
    getAlert: (id) => deps.store.get(id),
    ...(deps.tuning?.leaseMs ? { leaseMs: deps.tuning.leaseMs } : {}),
  });

  // rounds of one process run one after another; other processes are kept apart by the leases
  let chain: Promise<void> = Promise.resolve();
  let busy = false;
  const round = async () => {
    await config.refresh();
    await escalation.work();
    while ((await outbox.work()) >= 100) {
      /* a full batch: more may be due */
    }
  };
  const tick = () => {
    const run = chain.then(round);
    chain = run.catch(() => undefined);
    return run;
  };
  // changes are queued in order, on the same chain as the worker's rounds
  const onAlertMessages = (messages: AlertMessage[]) => {
    const run = chain.then(() => escalation.onMessages(messages));
    chain = run.catch(() => undefined);
  };
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    tick()
      .catch((err: unknown) => log.warn({ err: (err as Error).message }, 'notify: worker round failed; trying again next tick'))
      .finally(() => {
        busy = false;
      });
  }, deps.tuning?.tickMs ?? 1000);

  return {
    router: notifyRouter({ auth: deps.auth, store: deps.store, redis, keys, config, publicUrl: deps.publicUrl }),
    config,
    outbox,
    escalation,
    onAlertMessages,
    tick,
    async stop() {
      clearInterval(timer);
      await chain;
    },
  };
}
