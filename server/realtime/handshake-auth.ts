/**
 * Auth once, at the handshake: an Origin check for the HTTP upgrade (engine level, all
 * namespaces) and a namespace middleware that turns a screen token or a signed-in session into a
 * Principal on `socket.data`. The middleware is exported so `/alerts` (issue 7) reuses it.
 */
import crypto from 'node:crypto';
import type http from 'node:http';
import type { Socket } from 'socket.io';
import type { LiveSocketData, Principal, ResolveUser } from './principal.ts';
import type { ScreenGrant, ScreenTokens } from './screen-tokens.ts';

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

/** Where screen tokens are looked up: SCREEN_TOKENS alone, or the auth layer's rotatable store. */
export interface ScreenTokenLookup {
  grant(token: string): ScreenGrant | null;
  /** Whether any screen token exists; without any, anonymous read-only screens are allowed. */
  configured(): boolean;
}

export interface HandshakeAuthDeps {
  screenTokens: ScreenTokenLookup;
  resolveUser?: ResolveUser;
}

/** Any namespace's socket: the middleware only reads the handshake and writes `data.principal`. */
interface AuthSocket { handshake: Socket['handshake']; data: Partial<LiveSocketData> }

/** SCREEN_TOKENS as a lookup, compared in constant time so a token cannot be guessed from timing. */
export function envScreenTokens(tokens: ScreenTokens): ScreenTokenLookup {
  return {
    grant(presented) {
      const p = Buffer.from(presented);
      let found: ScreenGrant | null = null;
      for (const [token, grant] of tokens) {
        const t = Buffer.from(token);
        if (t.length === p.length && crypto.timingSafeEqual(t, p)) found = grant;
      }
      return found;
    },
    configured: () => tokens.size > 0,
  };
}

export async function authenticateHandshake(handshake: Socket['handshake'], deps: HandshakeAuthDeps): Promise<Principal> {
  const auth = handshake.auth as Record<string, unknown> | undefined;
  const token = typeof auth?.token === 'string' && auth.token !== '' ? auth.token : null;
  const tokensConfigured = deps.screenTokens.configured();
  if (token !== null && tokensConfigured) {
    const grant = deps.screenTokens.grant(token);
    if (!grant) throw new HandshakeRefusedError('token-invalid', 'unknown or revoked screen token; check the ?token= of the screen URL (SCREEN_TOKENS or the rotated token)');
    return { kind: 'screen', name: grant.name, scope: grant.scope };
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
  if (!tokensConfigured) return { kind: 'anonymous' };
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
