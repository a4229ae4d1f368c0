/**
 * Auth once, at the handshake: an Origin check for the HTTP upgrade (engine level, all
 * namespaces) and a namespace middleware that turns a screen token or a signed-in session into a
 * Principal on `socket.data`. The middleware is exported so `/alerts` (issue 7) reuses it.
 */
import crypto from 'node:crypto';
import type http from 'node:http';
import type { Socket } from 'socket.io';
import type { LiveSocketData, Principal, ResolveUser } from './principal.ts';
import type { ScreenTokens } from './screen-tokens.ts';

export class HandshakeRefusedError extends Error {
  override name = 'HandshakeRefusedError';
  /** Sent to the client as `err.data` of its `connect_error`. */
  readonly data: { code: 'token-invalid' | 'token-required' | 'auth-unavailable' };
  constructor(code: HandshakeRefusedError['data']['code'], message: string) {
    super(message);
    this.data = { code };
  }
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

export interface HandshakeAuthDeps {
  screenTokens: ScreenTokens;
  resolveUser?: ResolveUser;
}

/** Any namespace's socket: the middleware only reads the handshake and writes `data.principal`. */
interface AuthSocket { handshake: Socket['handshake']; data: Partial<LiveSocketData> }

/** Constant-time lookup, so a token cannot be guessed byte by byte from response timing. */
function findScreen(tokens: ScreenTokens, presented: string): Principal | null {
  const p = Buffer.from(presented);
  let found: Principal | null = null;
  for (const [token, grant] of tokens) {
    const t = Buffer.from(token);
    if (t.length === p.length && crypto.timingSafeEqual(t, p)) found = { kind: 'screen', name: grant.name, scope: grant.scope };
  }
  return found;
}

export async function authenticateHandshake(handshake: Socket['handshake'], deps: HandshakeAuthDeps): Promise<Principal> {
  const auth = handshake.auth as Record<string, unknown> | undefined;
  const token = typeof auth?.token === 'string' && auth.token !== '' ? auth.token : null;
  if (token !== null && deps.screenTokens.size > 0) {
    const screen = findScreen(deps.screenTokens, token);
    if (!screen) throw new HandshakeRefusedError('token-invalid', 'unknown screen token; check the ?token= of the screen URL against SCREEN_TOKENS');
    return screen;
  }
  if (deps.resolveUser) {
    let user;
    try {
      user = await deps.resolveUser(handshake);
    } catch (err) {
      throw new HandshakeRefusedError('auth-unavailable', `could not check the session (${(err as Error).message}); retry`);
    }
    if (user) return { kind: 'user', user };
  }
  if (deps.screenTokens.size === 0) return { kind: 'anonymous' };
  throw new HandshakeRefusedError('token-required', 'a screen token (?token=) or a signed-in session is required');
}

/**
 * The namespace middleware. With connection state recovery it runs again on a recovered
 * connection (`skipMiddlewares: false`), so a revoked token does not survive a reconnect.
 */
export function handshakeMiddleware(deps: HandshakeAuthDeps) {
  return <S extends AuthSocket>(socket: S, next: (err?: Error) => void): void => {
    authenticateHandshake(socket.handshake, deps).then(
      (principal) => {
        socket.data.principal = principal;
        next();
      },
      (err: Error) => next(err),
    );
  };
}
