/**
 * Socket.IO on the hub's HTTP server: namespace `/live` (snapshot + versioned deltas per scope,
 * docs/realtime.md), the handshake auth shared with other namespaces, and the Redis Streams
 * adapter that carries room broadcasts between hub processes.
 */
import { randomBytes } from 'node:crypto';
import type http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import type { Logger } from 'pino';
import { Server } from 'socket.io';
import type { Scope } from '../../common/catalog.ts';
import { LIVE_NAMESPACE } from '../../common/live.ts';
import { dayIndexOf } from '../../common/time.ts';
import type { CatalogIndex } from '../catalog/load-catalog.ts';
import type { HubConfig } from '../config/env.ts';
import { readSnapshot } from '../read/snapshot.ts';
import type { RedisClient, RedisTarget } from '../redis/connect.ts';
import type { RedisKeys } from '../redis/keys.ts';
import { listenChanged, publishChanged } from './changed-channel.ts';
import type { Identity } from '../identity/identity.ts';
import { handshakeMiddleware, originAllowed } from './handshake-auth.ts';
import { LiveRooms, type CallFlushTiming, type LiveRoomsStats } from './live-rooms.ts';
import { roomOf, serveLive, type LiveNamespace } from './live-namespace.ts';
import { connectRealtimeRedis } from './realtime-redis.ts';

export interface RealtimeDeps {
  server: http.Server;
  config: HubConfig;
  redis: RedisClient;
  redisTarget: RedisTarget;
  keys: RedisKeys;
  catalog: CatalogIndex;
  log: Logger;
  now: () => number;
  /** Scopes changed by batches this process applied; `call`: the batch held a call. */
  onApplied: (listener: (scopes: Set<Scope>, call: boolean) => void) => () => void;
  /** Who is asking at a handshake: screen token or session cookie (server/identity/, docs/auth.md). */
  identity: Identity;
}

export interface RealtimeStats extends LiveRoomsStats {
  sockets: number;
  slowDisconnects: number;
}

export interface Realtime {
  /** The Socket.IO server (all namespaces share its adapter and engine options). */
  io: Server;
  live: LiveNamespace;
  /** The handshake auth middleware; `io.of('/alerts').use(realtime.authenticate)` reuses it. */
  authenticate: ReturnType<typeof handshakeMiddleware>;
  stats(): RealtimeStats;
  /** Listens to the parts of each flush that sent a call (`yg_live_call_flush_seconds`); answers the unsubscribe. */
  onCallFlush(listener: (timing: CallFlushTiming) => void): () => void;
  close(): Promise<void>;
}

/** Incoming messages are tiny `{scope}` objects; anything bigger is refused by the engine. */
const MAX_INCOMING_BYTES = 16 * 1024;
/** Packets queued for a socket that does not read them; beyond this it is cut (it resyncs on reconnect). */
const MAX_QUEUED_PACKETS = 500;

export async function attachRealtime(deps: RealtimeDeps): Promise<Realtime> {
  const { config, catalog, keys, log, now } = deps;
  const { tickMs, refreshMs, transports, allowedOrigins } = config.live;
  if (!deps.identity.readsLocked())
    log.warn('SCREEN_TOKENS is empty: anyone who reaches the hub can read the live figures (fine for one hall on its own network; see docs/realtime.md)');

  // the adapter duplicates this client for its pub/sub connection, which must skip the ready check
  const adapterRedis = connectRealtimeRedis(deps.redisTarget, 'yg-live-adapter', { subscriber: true });
  const changedSub = connectRealtimeRedis(deps.redisTarget, 'yg-live-changed', { subscriber: true });
  for (const c of [adapterRedis, changedSub]) c.on('error', (err: Error) => log.debug({ err: err.message }, 'live: redis connection error'));
  // The adapter subscribes on a duplicate of adapterRedis without handling a refusal: closed while
  // those SUBSCRIBEs are still queued (a hub stopped right after its start), each one would be an
  // unhandled rejection. Keep the duplicates so close() can let their queues drain first.
  const adapterDuplicates: RedisClient[] = [];
  const duplicate = adapterRedis.duplicate.bind(adapterRedis) as (...args: unknown[]) => RedisClient;
  (adapterRedis as { duplicate: (...args: unknown[]) => RedisClient }).duplicate = (...args) => {
    const copy = duplicate(...args);
    adapterDuplicates.push(copy);
    return copy;
  };

  const io = new Server(deps.server, {
    serveClient: false,
    transports,
    maxHttpBufferSize: MAX_INCOMING_BYTES,
    allowRequest: (req, cb) => cb(null, originAllowed(req, allowedOrigins)),
    ...(allowedOrigins.length > 0 ? { cors: { origin: allowedOrigins, credentials: true } } : {}),
    // Missed room broadcasts (alerts) are replayed from the adapter's stream; the auth runs again.
    connectionStateRecovery: { maxDisconnectionDuration: 2 * 60_000, skipMiddlewares: false },
    adapter: createAdapter(adapterRedis, {
      streamName: `${keys.prefix}sio`,
      channelPrefix: `${keys.prefix}sio`,
      sessionKeyPrefix: `${keys.prefix}sio:session:`,
      maxLen: 10_000,
      blockTimeInMs: 1000,
      onlyPlaintext: true,
    }),
  });

  // The root namespace serves nothing: refused, so no socket can sit on the hub unauthenticated
  // (a client asks for a namespace by name; /live and /alerts have their own middleware).
  io.of('/').use((_socket, next) => next(Object.assign(new Error('no such namespace: connect to /live or /alerts'), { data: { code: 'namespace-refused' } })));

  const authenticate = handshakeMiddleware(deps.identity);
  // Server generics type every namespace alike; /live and /alerts have their own event maps.
  const live = io.of(LIVE_NAMESPACE) as unknown as LiveNamespace;
  live.use(authenticate);

  const callFlushListeners = new Set<(timing: CallFlushTiming) => void>();
  const rooms = new LiveRooms({
    read: (scope, at) => readSnapshot(deps.redis, keys, scope, dayIndexOf(at), at, catalog),
    members: (scope) => live.adapter.rooms.get(roomOf(scope))?.size ?? 0,
    // Deltas stay on this process: each hub numbers its own rooms (see docs/realtime.md).
    sendSnapshot: (msg) => live.local.to(roomOf(msg.scope)).emit('snapshot', msg),
    sendDelta: (msg) => live.local.to(roomOf(msg.scope)).emit('delta', msg),
    now,
    tickMs,
    refreshMs,
    onCallFlush: (timing) => {
      for (const l of callFlushListeners) l(timing);
    },
    log,
  });
  serveLive(live, { rooms, catalog, now, log });

  let slowDisconnects = 0;
  const sweepSlowSockets = () => {
    for (const socket of live.sockets.values()) {
      // engine.io keeps packets here while the socket cannot take them (private field, read defensively).
      const queued = (socket.conn as unknown as { writeBuffer?: unknown[] }).writeBuffer?.length ?? 0;
      if (queued > MAX_QUEUED_PACKETS) {
        slowDisconnects++;
        log.warn({ id: socket.id, queued }, 'live: disconnected a socket that does not read its messages');
        socket.disconnect(true);
      }
    }
  };

  // Housekeeping (refresh, heartbeat, a new day, empty rooms, slow sockets): one pass at a time,
  // the next one tickMs after the start of the last. Marked rooms are not waiting for it: each
  // plans its own flush when it is marked (live-rooms.ts).
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let running: Promise<void> | null = null;
  let lastSweep = Date.now();
  const loop = async () => {
    const started = Date.now();
    running = rooms.tick().catch((err: Error) => log.error({ err: err.message }, 'live: tick failed'));
    await running;
    running = null;
    if (started - lastSweep >= refreshMs) {
      lastSweep = started;
      try {
        sweepSlowSockets();
      } catch (err) {
        log.error({ err: (err as Error).message }, 'live: slow-socket sweep failed');
      }
    }
    if (!stopped) timer = setTimeout(() => void loop(), Math.max(0, tickMs - (Date.now() - started)));
  };
  timer = setTimeout(() => void loop(), tickMs);

  // Marks this process's own batches; the tag lets it skip its own message on the channel.
  const hubId = randomBytes(6).toString('hex');
  const offApplied = deps.onApplied((scopes, call) => {
    rooms.markDirty(scopes, call);
    publishChanged(deps.redis, keys.changedChannel, scopes, { hubId, call }).catch((err: Error) =>
      log.debug({ err: err.message }, 'live: could not publish changed scopes'),
    );
  });
  await listenChanged(changedSub, keys.changedChannel, (scopes, call) => rooms.markDirty(scopes, call), log, hubId);

  return {
    io,
    live,
    authenticate,
    stats: () => ({ ...rooms.stats, sockets: live.sockets.size, slowDisconnects }),
    onCallFlush(listener) {
      callFlushListeners.add(listener);
      return () => callFlushListeners.delete(listener);
    },
    async close() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
      await rooms.close();
      offApplied();
      // PING answers after the SUBSCRIBEs queued before it (bounded: Redis may be away)
      await Promise.all(adapterDuplicates.map((c) => Promise.race([c.ping().catch(() => undefined), sleep(1000)])));
      // Also closes the HTTP server (the hub closes it next anyway).
      await io.close();
      // QUIT waits for Redis; with Redis away (offline queue on) it would wait forever: cap it.
      await Promise.all(
        [adapterRedis, changedSub].map(async (c) => {
          const quit = c.quit().then(
            () => true,
            () => false,
          );
          const gone = await Promise.race([quit, new Promise<false>((r) => setTimeout(() => r(false), 1000).unref())]);
          if (!gone) c.disconnect();
        }),
      );
    },
  };
}
