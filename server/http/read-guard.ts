/**
 * Who may read the figures over HTTP. Open while no screen token exists (one hall on its own
 * network, as for /live); once SCREEN_TOKENS (or a rotated token) exists, a read needs a screen
 * token (`Authorization: Bearer <token>` or `?token=`) whose scope covers the requested one, or a
 * sign-in. The rule is the realtime layer's (`mayRead`), so HTTP and /live agree.
 */
import type { RequestHandler } from 'express';
import { isScope } from '../../common/catalog.ts';
import type { Auth } from '../auth/auth-service.ts';
import { readCookie, SESSION_COOKIE } from '../auth/sessions.ts';
import type { CatalogIndex } from '../catalog/load-catalog.ts';
import { mayRead, type Principal } from '../realtime/principal.ts';
import { HttpError } from './http-error.ts';

/** The read endpoints a wall screen uses. */
export const GUARDED_READS = ['/api/v1/snapshot', '/api/v1/series', '/api/v1/catalog', '/api/v1/screens'];

export function readGuard(deps: { auth: Auth; catalog: CatalogIndex }): RequestHandler {
  return (req, _res, next) => {
    if (!deps.auth.tokens.screenTokensConfigured()) return next();
    const requested = typeof req.query.scope === 'string' && isScope(req.query.scope) ? req.query.scope : 'city';
    const allow = (principal: Principal) => {
      // a screen reads the catalog and its own config whatever its scope; figures only inside it
      // mounted on several paths: baseUrl is the one that matched
      if (req.baseUrl !== '/api/v1/snapshot' && req.baseUrl !== '/api/v1/series') return next();
      if (mayRead(principal, requested, deps.catalog)) return next();
      return next(new HttpError(403, `this token or user may not read ${requested}`, 'scope'));
    };
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '')?.[1];
    const token = bearer ?? (typeof req.query.token === 'string' ? req.query.token : undefined);
    if (token) {
      const grant = deps.auth.tokens.screenGrant(token);
      if (!grant) return next(new HttpError(401, 'unknown screen token', 'token'));
      return allow({ kind: 'screen', name: grant.name, scope: grant.scope });
    }
    deps.auth.userOfSession(readCookie(req.get('cookie'), SESSION_COOKIE)).then((user) => {
      if (!user) return next(new HttpError(401, 'this hub requires a screen token (?token= in the screen URL) or a sign-in', 'token'));
      return allow({ kind: 'user', user });
    }, next);
  };
}
