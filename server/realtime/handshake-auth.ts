/**
 * Auth once, at the handshake: an Origin check for the HTTP upgrade (engine level, all
 * namespaces) and a namespace middleware that asks the resolver (server/identity/) who a screen
 * token or a session cookie belongs to, and leaves the principal on `socket.data`. The middleware
 * is exported so `/alerts` (server/alerts/) reuses it.
 */
import type http from 'node:http';
import type { Socket } from 'socket.io';
import { storeProblem } from '../redis/store-failure.ts';
import { handshakeCredentials } from '../identity/credentials.ts';
import { UnknownTokenError, type Identity } from '../identity/identity.ts';
import type { Principal } from '../identity/principal.ts';

export class HandshakeRefusedError extends Error {
  override name = 'HandshakeRefusedError';
  /** Sent to the client as `err.data` of its `connect_error`. */
  readonly data: { code: 'token-invalid' | 'token-required' | 'auth-unavailable' };
  constructor(code: HandshakeRefusedError['data']['code'], message: string) {
    super(message);
    this.data = { code };
  }
}

/** What every `/live` (and `/alerts`) socket carries after the handshake middleware. */
export interface LiveSocketData {
  principal: Principal;
}

/**
 * Browsers send `Origin` on the WebSocket upgrade and on cross-site polling; other programs
 * (tests, kiosks with a native shell) send none. Allowed: no Origin, the hub's own origin, and
 * ALLOWED_ORIGINS. Without this, any web page a screen PC visits could read the hub through it.
 */
export function originAllowed(req: http.IncomingMessage, allowed: readonly string[]): boolean {
  const origin = req.headers.origin;
  if (origin === undefined || origin === '') return true;
  if (allowed.includes(origin) || allowed.includes('*')) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

/** Any namespace's socket: the middleware only reads the handshake and writes `data.principal`. */
interface AuthSocket {
  handshake: Socket['handshake'];
  data: Partial<LiveSocketData>;
}

/** Nobody is let in only while no screen token exists (one hall on its own network). */
export async function authenticateHandshake(handshake: Socket['handshake'], identity: Identity): Promise<Principal> {
  let principal: Principal;
  try {
    principal = await identity.resolve(handshakeCredentials(handshake));
  } catch (err) {
    if (err instanceof UnknownTokenError)
      throw new HandshakeRefusedError(
        'token-invalid',
        'unknown or revoked screen token; check the ?token= of the screen URL (SCREEN_TOKENS or the rotated token)',
      );
    // a fixed text: Redis's own message may name scripts, lines and keys
    throw new HandshakeRefusedError('auth-unavailable', `could not check the session (${storeProblem(err) ?? 'the hub failed'}); retry`);
  }
  if (principal.kind === 'anonymous' && identity.readsLocked())
    throw new HandshakeRefusedError('token-required', 'a screen token (?token=) or a signed-in session is required');
  return principal;
}

/**
 * The namespace middleware. With connection state recovery it runs again on a recovered
 * connection (`skipMiddlewares: false`), so a revoked token does not survive a reconnect.
 */
export function handshakeMiddleware(identity: Identity) {
  return <S extends AuthSocket>(socket: S, next: (err?: Error) => void): void => {
    authenticateHandshake(socket.handshake, identity).then(
      (principal) => {
        socket.data.principal = principal;
        next();
      },
      (err: Error) => next(err),
    );
  };
}
