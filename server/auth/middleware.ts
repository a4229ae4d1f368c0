/**
 * Auth once, as Express middleware: `requireRole(...)` asks the resolver (server/identity/) who
 * the session cookie belongs to, answers 401 when nobody is signed in and 403 for another role,
 * and leaves the user on `req.user`.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { SessionUser, UserRole } from '../../common/auth.ts';
import { HttpError } from '../http/http-error.ts';
import { sessionCredentials } from '../identity/credentials.ts';
import type { Auth } from './auth-service.ts';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** Set by requireRole. */
      user?: SessionUser;
    }
  }
}

export function requireRole(auth: Auth, ...roles: UserRole[]): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction) => {
    auth.identity.resolve(sessionCredentials(req)).then((principal) => {
      if (principal.kind !== 'user') return next(new HttpError(401, 'sign in first: POST /api/v1/session with {username, password}'));
      const { user } = principal;
      if (!roles.includes(user.role)) return next(new HttpError(403, `this needs the role ${roles.join(' or ')}; you are ${user.role}`));
      req.user = user;
      next();
    }, next);
  };
}

/** The user requireRole left on the request. */
export function userOf(req: Request): SessionUser {
  if (!req.user) throw new HttpError(401, 'sign in first');
  return req.user;
}

export function clientIp(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? '';
}
