/**
 * Wires the screen fleet of one hub (docs/screens.md#the-fleet): the store, the commands, the
 * admin routes (mounted before the realtime layer exists) and, once it does, the `/live` handlers.
 */
import type { Logger } from 'pino';
import type { Auth } from '../auth/auth-service.ts';
import { requireRole } from '../auth/middleware.ts';
import type { RedisClient } from '../redis/connect.ts';
import type { RedisKeys } from '../redis/keys.ts';
import type { Realtime } from '../realtime/attach-realtime.ts';
import type { LiveNamespace } from '../realtime/live-namespace.ts';
import { createFleetCommands } from './fleet-commands.ts';
import { serveFleet } from './fleet-live.ts';
import { fleetRouter } from './fleet-routes.ts';
import { createFleetStore } from './fleet-store.ts';

export interface FleetTuning {
  /** A screen is online while its last report is at most this old. @default 90 s (tests shorten it) */
  onlineMs?: number;
  /** How long a command's answer waits for online screens to acknowledge. @default 2 s */
  deliveryWaitMs?: number;
}

export interface FleetDeps {
  redis: RedisClient;
  keys: RedisKeys;
  auth: Auth;
  log: Logger;
  now: () => number;
  tuning?: FleetTuning;
}

export function startFleet(deps: FleetDeps) {
  const store = createFleetStore({ redis: deps.redis, keys: deps.keys, now: deps.now, ...(deps.tuning?.onlineMs ? { onlineMs: deps.tuning.onlineMs } : {}) });
  let live: LiveNamespace | null = null;
  const commands = createFleetCommands({
    store,
    audit: deps.auth.audit,
    live: () => live,
    ...(deps.tuning?.deliveryWaitMs !== undefined ? { deliveryWaitMs: deps.tuning.deliveryWaitMs } : {}),
  });
  const router = fleetRouter({ store, commands, audit: deps.auth.audit, admin: requireRole(deps.auth, 'admin') });
  return {
    store,
    router,
    attach(realtime: Realtime) {
      live = realtime.live;
      serveFleet(realtime.live, store, deps.log, deps.now);
    },
  };
}

export type Fleet = ReturnType<typeof startFleet>;
