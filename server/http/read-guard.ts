/**
 * Who may read the figures over HTTP. Open while no screen token exists (one hall on its own
 * network, as for /live); once SCREEN_TOKENS (or a rotated token) exists, a read needs a screen
 * token (`Authorization: Bearer <token>` or `?token=`) whose scope covers the requested one, or a
 * sign-in. Who is asking comes from the one resolver (server/identity/), and the rule is
 * `mayRead`, so HTTP and /live agree. The guards are attached to the routes they guard
 * (server/http/api-router.ts).
 */
import type { RequestHandler } from 'express';
import { scopeQuery } from '../../common/api-queries.ts';
import type { Scope } from '../../common/catalog.ts';
import type { CatalogIndex } from '../catalog/load-catalog.ts';
import { requestCredentials } from '../identity/credentials.ts';
import type { Identity } from '../identity/identity.ts';
import { mayRead } from '../identity/principal.ts';
import { HttpError } from './http-error.ts';
import { peekQuery } from './parse-request.ts';

export interface ReadGuards {
  /** Figures (snapshot, series): only inside the principal's scope. */
  figures: RequestHandler;
  /** Reference data (catalog, screen config): any screen or user, whatever its scope. */
  reference: RequestHandler;
}

export function readGuard(deps: { identity: Identity; catalog: CatalogIndex }): ReadGuards {
  const guard =
    (figures: boolean): RequestHandler =>
    (req, _res, next) => {
      if (!deps.identity.readsLocked()) return next();
      deps.identity.resolve(requestCredentials(req)).then((principal) => {
        if (principal.kind === 'anonymous')
          return next(new HttpError(401, 'this hub requires a screen token (?token= in the screen URL) or a sign-in', 'token'));
        if (!figures) return next();
        // an unparsable scope is the handler's 400; until then it is judged as the widest scope
        const requested: Scope = peekQuery(req, scopeQuery)?.scope ?? 'city';
        if (mayRead(principal, requested, deps.catalog)) return next();
        return next(new HttpError(403, `this token or user may not read ${requested}`, 'scope'));
      }, next); // UnknownTokenError is a 401, a Redis failure a 503 (the error handler)
    };
  return { figures: guard(true), reference: guard(false) };
}
