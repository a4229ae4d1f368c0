/**
 * The browser (and Node) client of the hub's `/live` namespace, used by every screen store.
 *
 * subscribe(scope) → the hub answers a snapshot, then deltas; this client applies them and hands
 * the whole state to the listeners. It never shows a state that disagrees with the hub for long:
 * on a `seq` gap it asks for a resync; on every (re)connect it subscribes again and waits for a
 * fresh snapshot (the next hub's `seq` is unrelated to the last one's); reconnects back off with
 * jitter so a hall full of screens does not reconnect in step after a hub restart.
 */
import { io, type Socket } from 'socket.io-client';
import type { Scope } from '../../common/catalog.ts';
import { LIVE_NAMESPACE, type Ack, type ClientToServerEvents, type DeltaMessage, type ServerToClientEvents, type SnapshotMessage } from '../../common/live.ts';
import type { Snapshot } from '../../common/snapshot.ts';
import type { ConfigChangedMessage } from '../../common/config-sections.ts';
import type { FleetCommand } from '../../common/fleet.ts';
import { ScopeFeed, type FeedOutcome } from './scope-feed.ts';
import { hubClock } from '../hub-clock.ts';

export interface LiveStatus {
  connected: boolean;
  /** Client clock (epoch ms) when the last snapshot or delta arrived. */
  lastMessageAt: number | null;
  /** Arrival time minus the hub's send time of the last message (includes any clock skew). */
  lagMs: number | null;
  /** Successful reconnects since the client was created. */
  reconnects: number;
}

export interface StateInfo {
  seq: number;
  kind: 'snapshot' | 'delta';
}
export type StateListener = (state: Snapshot, info: StateInfo) => void;

export interface SubscribeOptions {
  /** Called when the hub refuses the subscription (e.g. a screen token outside its scope). */
  onError?: (error: string) => void;
}

export interface LiveClientOptions {
  /** The hub's origin, e.g. `http://10.0.0.5:8080`. Default: the page's origin (browser only). */
  url?: string;
  /** Screen token (`?token=` of the screen URL), handed to the handshake as `auth.token`. */
  token?: string;
  /** Default `['websocket']` (no sticky sessions needed); add `'polling'` only behind sticky sessions. */
  transports?: ('websocket' | 'polling')[];
  /** First reconnect delay, ms (default 1000); doubles per attempt up to `reconnectionDelayMax`. */
  reconnectionDelay?: number;
  /** Longest reconnect delay, ms (default 15000). */
  reconnectionDelayMax?: number;
  /** How long to wait for a subscribe ack before retrying, ms (default 5000). */
  ackTimeoutMs?: number;
  /** The clock (tests pass their own). */
  now?: () => number;
}

export interface LiveClient {
  subscribe(scope: Scope, onState: StateListener, options?: SubscribeOptions): () => void;
  resync(scope: Scope): void;
  status(): LiveStatus;
  onStatus(cb: (status: LiveStatus) => void): () => void;
  /** A configuration section changed on the hub (docs/admin.md): refetch what the screen shows of it. */
  onConfig(cb: (msg: ConfigChangedMessage) => void): () => void;
  /** The screen fleet on the same socket (web/fleet/, docs/screens.md#the-fleet). */
  fleet: FleetChannel;
  close(): void;
}

export interface FleetChannel {
  /** Sends `screen:report`; resolves with the hub's answer (`{ok: false}` when not connected or no answer in 5 s). */
  report(report: unknown): Promise<Ack>;
  /** Acknowledges a command the screen has in hand. */
  ack(id: string): Promise<Ack>;
  onCommand(cb: (cmd: FleetCommand) => void): () => void;
  /** The scopes this client is subscribed to (what the screen shows). */
  scopes(): Scope[];
}

export class LiveClientError extends Error {
  override name = 'LiveClientError';
}

interface Subscription {
  feed: ScopeFeed;
  listeners: Set<StateListener>;
  errorHandlers: Set<(error: string) => void>;
  retry: ReturnType<typeof setTimeout> | null;
}

type LiveSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export function createLiveClient(options: LiveClientOptions = {}): LiveClient {
  const now = options.now ?? Date.now;
  const ackTimeoutMs = options.ackTimeoutMs ?? 5000;
  const base = options.url ?? (typeof location === 'undefined' ? undefined : location.origin);
  if (base === undefined) throw new LiveClientError('createLiveClient: pass `url` (the hub origin) when not running in a browser page');

  const socket: LiveSocket = io(`${base.replace(/\/$/, '')}${LIVE_NAMESPACE}`, {
    transports: options.transports ?? ['websocket'],
    auth: options.token ? { token: options.token } : {},
    // Its own connection: close() ends it, and two clients never share reconnect state.
    forceNew: true,
    reconnection: true,
    reconnectionDelay: options.reconnectionDelay ?? 1000,
    reconnectionDelayMax: options.reconnectionDelayMax ?? 15_000,
    randomizationFactor: 0.5,
  });

  const subs = new Map<Scope, Subscription>();
  const statusListeners = new Set<(s: LiveStatus) => void>();
  let current: LiveStatus = { connected: false, lastMessageAt: null, lagMs: null, reconnects: 0 };
  let closed = false;
  let refusedRetry: ReturnType<typeof setTimeout> | null = null;

  const setStatus = (patch: Partial<LiveStatus>) => {
    current = { ...current, ...patch };
    for (const cb of statusListeners) cb(current);
  };

  const notify = (sub: Subscription, kind: StateInfo['kind']) => {
    const { state, seq } = sub.feed;
    if (state === null || seq === null) return;
    for (const l of sub.listeners) l(state, { seq, kind });
  };

  const sendSubscribe = (scope: Scope, event: 'subscribe' | 'resync') => {
    const sub = subs.get(scope);
    if (!sub || !socket.connected) return;
    if (sub.retry) clearTimeout(sub.retry);
    sub.retry = null;
    sub.feed.expectSnapshot();
    socket.timeout(ackTimeoutMs).emit(event, { scope }, (err: Error | null, res?: Ack) => {
      if (subs.get(scope) !== sub) return;
      if (err) {
        // No answer in time (hub busy or connection half-open): try again while still wanted.
        sub.retry = setTimeout(() => sendSubscribe(scope, 'subscribe'), ackTimeoutMs);
        return;
      }
      if (res && !res.ok) {
        for (const h of sub.errorHandlers) h(res.error);
        // A temporary refusal (Redis unreachable): ask again; a refusal for good (scope) stays.
        if (res.retryAfterMs !== undefined) sub.retry = setTimeout(() => sendSubscribe(scope, 'subscribe'), res.retryAfterMs);
      }
    });
  };

  const received = (sentAt: number | undefined) => {
    const at = now();
    // the page's estimate of the hub's clock (web/hub-clock.ts) learns from every message; the
    // status below stays on this client's own clock: staleness is a duration between two of its instants
    if (sentAt !== undefined) hubClock.noteSentAt(sentAt);
    setStatus({ lastMessageAt: at, lagMs: sentAt === undefined ? null : Math.max(0, at - sentAt) });
  };

  const handle = (scope: Scope, outcome: FeedOutcome, kind: StateInfo['kind']) => {
    const sub = subs.get(scope);
    if (!sub) return;
    if (outcome === 'applied') notify(sub, kind);
    else if (outcome === 'gap') sendSubscribe(scope, 'resync');
  };

  socket.on('snapshot', (msg: SnapshotMessage) => {
    received(msg.sentAt);
    const sub = subs.get(msg.scope);
    if (sub) handle(msg.scope, sub.feed.onSnapshot(msg), 'snapshot');
  });
  socket.on('delta', (msg: DeltaMessage) => {
    received(msg.sentAt);
    const sub = subs.get(msg.scope);
    if (sub) handle(msg.scope, sub.feed.onDelta(msg), 'delta');
  });
  let everConnected = false;
  socket.on('connect', () => {
    // Counted here, not on the Manager's 'reconnect': that fires before the handshake is accepted.
    setStatus({ connected: true, reconnects: current.reconnects + (everConnected ? 1 : 0) });
    everConnected = true;
    // Recovered or not, ask again: the snapshot brings this client level with this hub.
    for (const scope of subs.keys()) sendSubscribe(scope, 'subscribe');
  });
  socket.on('disconnect', () => {
    setStatus({ connected: false });
    for (const sub of subs.values()) sub.feed.expectSnapshot();
  });
  socket.on('connect_error', () => {
    // The Manager reconnects on its own; a middleware refusal (bad token) is not retried by
    // Socket.IO, so retry it here on the same jittered schedule: tokens can be fixed server-side.
    if (socket.active || closed || refusedRetry) return;
    const delay = (options.reconnectionDelayMax ?? 15_000) * (0.5 + Math.random());
    refusedRetry = setTimeout(() => {
      refusedRetry = null;
      if (!closed && !socket.connected) socket.connect();
    }, delay);
  });

  const configListeners = new Set<(msg: ConfigChangedMessage) => void>();
  socket.on('config', (msg: ConfigChangedMessage) => {
    for (const cb of configListeners) cb(msg);
  });
  const commandListeners = new Set<(cmd: FleetCommand) => void>();
  socket.on('screen:command', (cmd: FleetCommand) => {
    for (const cb of commandListeners) cb(cmd);
  });
  const ask = (send: (cb: (err: Error | null, res?: Ack) => void) => void): Promise<Ack> =>
    new Promise((resolve) => {
      if (!socket.connected) return resolve({ ok: false, error: 'not connected' });
      send((err, res) => resolve(err ? { ok: false, error: 'no answer' } : (res ?? { ok: false, error: 'no answer' })));
    });
  const fleet: FleetChannel = {
    report: (report) => ask((cb) => socket.timeout(ackTimeoutMs).emit('screen:report', report, cb)),
    ack: (id) => ask((cb) => socket.timeout(ackTimeoutMs).emit('screen:ack', { id }, cb)),
    onCommand(cb) {
      commandListeners.add(cb);
      return () => commandListeners.delete(cb);
    },
    scopes: () => [...subs.keys()],
  };

  return {
    fleet,
    subscribe(scope, onState, subOptions) {
      let sub = subs.get(scope);
      if (!sub) {
        sub = { feed: new ScopeFeed(), listeners: new Set(), errorHandlers: new Set(), retry: null };
        subs.set(scope, sub);
        sub.listeners.add(onState);
        sendSubscribe(scope, 'subscribe');
      } else {
        sub.listeners.add(onState);
        const { state, seq } = sub.feed;
        if (state !== null && seq !== null) onState(state, { seq, kind: 'snapshot' });
      }
      const onError = subOptions?.onError;
      if (onError) sub.errorHandlers.add(onError);
      const owned = sub;
      return () => {
        owned.listeners.delete(onState);
        if (onError) owned.errorHandlers.delete(onError);
        if (owned.listeners.size > 0 || subs.get(scope) !== owned) return;
        subs.delete(scope);
        if (owned.retry) clearTimeout(owned.retry);
        if (socket.connected) socket.emit('unsubscribe', { scope }, () => undefined);
      };
    },
    resync(scope) {
      sendSubscribe(scope, 'resync');
    },
    status: () => current,
    onConfig(cb) {
      configListeners.add(cb);
      return () => configListeners.delete(cb);
    },
    onStatus(cb) {
      statusListeners.add(cb);
      return () => statusListeners.delete(cb);
    },
    close() {
      closed = true;
      if (refusedRetry) clearTimeout(refusedRetry);
      for (const sub of subs.values()) if (sub.retry) clearTimeout(sub.retry);
      subs.clear();
      statusListeners.clear();
      commandListeners.clear();
      configListeners.clear();
      socket.close();
    },
  };
}
