/** Helpers of the realtime tests: live clients, raw sockets, event times (waiting: ../helpers/wait-for.ts). */
import { io, type Socket } from 'socket.io-client';
import type { Scope } from '../../common/catalog.ts';
import { LIVE_NAMESPACE, type Ack, type ClientToServerEvents, type DeltaMessage, type ServerToClientEvents, type SnapshotMessage } from '../../common/live.ts';
import type { Snapshot } from '../../common/snapshot.ts';
import { toShanghaiIso } from '../../common/time.ts';
import { createLiveClient, type LiveClient, type LiveClientOptions } from '../../web/live/index.ts';

export const nowIso = (): string => toShanghaiIso(Date.now());

/** The snapshot without `asOf`, the one value that differs between two reads of the same state. */
export function comparable(s: Snapshot | Record<string, unknown>): Record<string, unknown> {
  const { asOf: _asOf, ...rest } = s as Record<string, unknown>;
  return rest;
}

export interface WatchedScope {
  client: LiveClient;
  state: () => Snapshot | null;
  kinds: { snapshot: number; delta: number };
  errors: string[];
  stop: () => void;
}

/** A live client (the real web/live library) subscribed to one scope, recording what it gets. */
export function watchScope(url: string, scope: Scope, opts: Omit<LiveClientOptions, 'url'> = {}): WatchedScope {
  const client = createLiveClient({ url, reconnectionDelay: 100, reconnectionDelayMax: 500, ...opts });
  let state: Snapshot | null = null;
  const kinds = { snapshot: 0, delta: 0 };
  const errors: string[] = [];
  const unsubscribe = client.subscribe(
    scope,
    (s, info) => {
      state = s;
      kinds[info.kind]++;
    },
    { onError: (e) => errors.push(e) },
  );
  return {
    client,
    state: () => state,
    kinds,
    errors,
    stop: () => {
      unsubscribe();
      client.close();
    },
  };
}

export type RawLiveSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** A bare socket.io-client on /live, for tests that look at the wire (seq, counts, refusals). */
export function rawSocket(url: string, token?: string): RawLiveSocket & { snapshots: SnapshotMessage[]; deltas: (DeltaMessage & { at: number })[] } {
  const socket = io(`${url}${LIVE_NAMESPACE}`, {
    transports: ['websocket'],
    auth: token ? { token } : {},
    reconnection: false,
    forceNew: true,
  }) as RawLiveSocket & { snapshots: SnapshotMessage[]; deltas: (DeltaMessage & { at: number })[] };
  socket.snapshots = [];
  socket.deltas = [];
  socket.on('snapshot', (m) => socket.snapshots.push(m));
  socket.on('delta', (m) => socket.deltas.push({ ...m, at: Date.now() }));
  return socket;
}

export function emitAck(socket: RawLiveSocket, event: 'subscribe' | 'unsubscribe' | 'resync', scope: string): Promise<Ack> {
  return new Promise((resolve) => socket.emit(event, { scope: scope as Scope }, resolve));
}
