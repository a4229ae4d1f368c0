/**
 * The one resolver of "who is asking": credentials (credentials.ts, from a request or a handshake)
 * → a principal. A screen token counts first, while screen tokens exist; else the session cookie;
 * else nobody. Used by the read guard and `requireRole` (HTTP), the `/live` and `/alerts`
 * handshakes, and the sign-in routes; each door decides what nobody may do there.
 */
import type { SessionUser } from '../../common/auth.ts';
import type { Credentials } from './credentials.ts';
import { ANONYMOUS, type Principal, type ScreenPrincipal } from './principal.ts';
import { Unauthenticated } from '../domain-errors.ts';

/** Where the resolver looks things up (the auth layer's stores). */
export interface IdentitySources {
  /** The signed-in user of a session cookie value (null: unknown, expired, or the user disabled). */
  userOfSession(session: string): Promise<SessionUser | null>;
  /** The screen a token belongs to (SCREEN_TOKENS or rotated), or null. */
  screenOfToken(token: string): ScreenPrincipal | null;
  /** Whether any screen token exists. */
  screenTokensExist(): boolean;
}

/** A screen token was presented and no screen has it (mistyped, rotated or revoked). */
export class UnknownTokenError extends Unauthenticated {
  override name = 'UnknownTokenError';
  constructor() {
    super('unknown screen token', 'token');
  }
}

export interface Identity {
  /** Whether reading needs credentials: true once any screen token exists. */
  readsLocked(): boolean;
  /** Who presents these credentials; throws UnknownTokenError for a token no screen has. */
  resolve(credentials: Credentials): Promise<Principal>;
}

export function createIdentity(sources: IdentitySources): Identity {
  return {
    readsLocked: () => sources.screenTokensExist(),
    async resolve({ token, session }) {
      // without any screen token, reads are open and a token means nothing
      if (token !== null && sources.screenTokensExist()) {
        const screen = sources.screenOfToken(token);
        if (!screen) throw new UnknownTokenError();
        return screen;
      }
      if (session !== null) {
        const user = await sources.userOfSession(session);
        if (user) return { kind: 'user', user };
      }
      return ANONYMOUS;
    },
  };
}
