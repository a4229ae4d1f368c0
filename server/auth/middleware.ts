/**
 * Auth once, as Express middleware: `requireRole(...)` resolves the session cookie, answers 401
 * when nobody is signed in and 403 for another role, and leaves the user on `req.user`.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { SessionUser, UserRole } from '../../common/alerts.ts';
import { HttpError } from '../http/http-error.ts';
import type { Auth } from './auth-service.ts';
import { readCookie, SESSION_COOKIE } from './sessions.ts';

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
    auth.userOfSession(readCookie(req.get('cookie'), SESSION_COOKIE)).then((user) => {
      if (!user) return next(new HttpError(401, 'sign in first: POST /api/v1/session with {username, password}'));
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

/** The departments a user may see: null means all. */
export function visibleDepts(user: SessionUser): string[] | null {
  return user.role === 'supervisor' ? user.depts : null;
}

export function clientIp(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? '';
}
