/**
 * The `/live` namespace handlers: subscribe, resync and unsubscribe. Nothing a client can emit
 * here changes state; a subscriber joins the room of a scope it may read and gets the room's
 * snapshot at once, then the room's deltas.
 */
import type { Logger } from 'pino';
import type { Namespace, Socket } from 'socket.io';
import { z } from 'zod';
import { isScope, type Scope } from '../../common/catalog.ts';
import type { Ack, ClientToServerEvents, ServerToClientEvents } from '../../common/live.ts';
import type { CatalogIndex } from '../catalog/load-catalog.ts';
import type { LiveRooms } from './live-rooms.ts';
import { scopeExists } from '../catalog/scopes.ts';
import { mayRead } from '../identity/principal.ts';
import type { LiveSocketData } from './handshake-auth.ts';
import { guardSocket } from './socket-guard.ts';

export type LiveNamespace = Namespace<ClientToServerEvents, ServerToClientEvents, Record<string, never>, LiveSocketData>;
export type LiveSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, LiveSocketData>;

const ROOM_PREFIX = 'scope:';
export const roomOf = (scope: Scope): string => `${ROOM_PREFIX}${scope}`;

/** A wall shows a handful of scopes; a bound keeps one socket from holding every room. */
export const MAX_SCOPES_PER_SOCKET = 32;

const scopeRequest = z.object({ scope: z.string().max(100) });

export interface ServeLiveDeps {
  rooms: LiveRooms;
  catalog: CatalogIndex;
  now: () => number;
  log: Logger;
}

export function serveLive(nsp: LiveNamespace, deps: ServeLiveDeps): void {
  const { rooms, catalog, log } = deps;
  // screen:report and screen:ack are the fleet's (server/screens/fleet-live.ts handles them)
  const allowed = new Set<string>(['subscribe', 'unsubscribe', 'resync', 'screen:report', 'screen:ack']);

  nsp.on('connection', (socket: LiveSocket) => {
    guardSocket(socket, { events: allowed, now: deps.now }, () => {
      log.warn({ id: socket.id, address: socket.handshake.address }, 'live: disconnected a socket that kept flooding');
    });

    const parseScope = (req: unknown): Scope | string => {
      const parsed = scopeRequest.safeParse(req);
      if (!parsed.success || !isScope(parsed.data.scope)) return 'expected {scope: "city" | "center:<code>" | "dept:<code>" | "window:<code>"}';
      const scope = parsed.data.scope;
      if (!scopeExists(scope, catalog)) return `unknown scope ${scope}`;
      if (!mayRead(socket.data.principal, scope, catalog)) return `not allowed to read ${scope}`;
      return scope;
    };

    const send = async (req: unknown, reply: (res: Ack) => void) => {
      const scope = parseScope(req);
      if (!isScope(scope)) return reply({ ok: false, error: scope });
      const room = roomOf(scope);
      if (!socket.rooms.has(room) && countScopes(socket) >= MAX_SCOPES_PER_SOCKET) {
        return reply({ ok: false, error: `at most ${MAX_SCOPES_PER_SOCKET} scopes per connection` });
      }
      let current;
      try {
        current = await rooms.current(scope);
      } catch (err) {
        log.warn({ scope, err: (err as Error).message }, 'live: could not read a snapshot for a subscriber');
        return reply({ ok: false, error: 'snapshot unavailable (Redis); retry', retryAfterMs: 2000 });
      }
      if (socket.disconnected) return;
      // Join and send in the same turn, so the first delta this socket sees follows this snapshot.
      socket.join(room);
      // Not socket.emit: with connection state recovery on, that goes through the adapter's Redis
      // stream (an XADD of the whole snapshot, delivered after the ack). A local emit to the
      // socket's own room is written at once, and a recovered client asks again anyway.
      nsp.local.to(socket.id).emit('snapshot', { scope, seq: current.seq, snapshot: current.snapshot, sentAt: deps.now() });
      reply({ ok: true });
    };

    socket.on('subscribe', (req, ack) => void send(req, replyOf(ack)));
    socket.on('resync', (req, ack) => void send(req, replyOf(ack)));
    socket.on('unsubscribe', (req, ack) => {
      const parsed = scopeRequest.safeParse(req);
      if (parsed.success && isScope(parsed.data.scope)) socket.leave(roomOf(parsed.data.scope));
      replyOf(ack)({ ok: true });
    });
  });
}

function countScopes(socket: LiveSocket): number {
  let n = 0;
  for (const r of socket.rooms) if (r.startsWith(ROOM_PREFIX)) n++;
  return n;
}

/** Clients may omit the ack; a missing one must not throw inside the handler. */
function replyOf(ack: unknown): (res: Ack) => void {
  return typeof ack === 'function' ? (ack as (res: Ack) => void) : () => undefined;
}
