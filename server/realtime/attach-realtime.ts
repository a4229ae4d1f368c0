/** Socket.IO `/live` on the hub's HTTP server. Placeholder until the realtime layer (issue 4) lands. */
import type http from 'node:http';
import type { Logger } from 'pino';
import type { Scope } from '../../common/catalog.ts';
import type { CatalogIndex } from '../catalog/load-catalog.ts';
import type { HubConfig } from '../config/env.ts';
import type { RedisClient, RedisTarget } from '../redis/connect.ts';
import type { RedisKeys } from '../redis/keys.ts';

export interface RealtimeDeps {
  server: http.Server;
  config: HubConfig;
  redis: RedisClient;
  redisTarget: RedisTarget;
  keys: RedisKeys;
  catalog: CatalogIndex;
  log: Logger;
  now: () => number;
  /** Scopes changed by batches this process applied. */
  onApplied: (listener: (scopes: Set<Scope>) => void) => () => void;
}

export interface Realtime {
  close(): Promise<void>;
}

export async function attachRealtime(_deps: RealtimeDeps): Promise<Realtime> {
  return { close: async () => undefined };
}
