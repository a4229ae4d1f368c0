/**
 * Cross-site request forgery, refused before any route runs. A browser attaches the session
 * cookie to whatever request a page makes, so a write that carries it must prove it comes from a
 * page of this hub:
 *
 * - its `Origin` is this hub's (the host of the Host header: behind nginx keep
 *   `proxy_set_header Host $host`) or one of ALLOWED_ORIGINS; without an Origin,
 *   `Sec-Fetch-Site: same-origin` will do. Anything else, a missing header included, is 403.
 *   Every browser of the last years sends Origin on POST and DELETE, so only a program that
 *   copies a cookie by hand has to add it.
 * - its body is declared JSON (`Content-Type: application/json`; POST, PUT and PATCH always, a
 *   DELETE when it has a body), else 415. A cross-site form can only send form or text/plain
 *   bodies, and a cross-origin JSON request needs a CORS preflight that only ALLOWED_ORIGINS pass.
 *
 * SameSite=Strict already keeps the cookie off requests from other sites; this also covers other
 * origins of the same site (another port, another host name under the same domain) and browsers
 * that do not honour SameSite. Requests without the session cookie are not this guard's business:
 * sign-in sets the cookie, ingest uses tokens, and the routes answer 401 without a session.
 */
import type { RequestHandler } from 'express';
import { sessionCookie } from '../identity/credentials.ts';
import { HttpError } from './http-error.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

export function sameOriginGuard(allowedOrigins: readonly string[]): RequestHandler {
  const allowed = new Set(allowedOrigins);
  return (req, _res, next) => {
    if (SAFE_METHODS.has(req.method)) return next();
    // any non-empty value counts, even one no session has (the `cookie` package keeps a malformed value as it is)
    if (sessionCookie(req.get('cookie')) === null) return next();
    if (!fromAllowedOrigin(req.get('origin'), req.get('sec-fetch-site'), req.get('host'), allowed)) {
      return next(new HttpError(403, 'a write with the session cookie must come from a page of this hub (its Origin, or one of ALLOWED_ORIGINS)', 'origin'));
    }
    if ((BODY_METHODS.has(req.method) || hasBody(req.headers)) && !isJson(req.get('content-type'))) {
      return next(new HttpError(415, 'send the body as JSON (Content-Type: application/json; {} when there is nothing to say)', 'content-type'));
    }
    next();
  };
}

function fromAllowedOrigin(origin: string | undefined, fetchSite: string | undefined, host: string | undefined, allowed: ReadonlySet<string>): boolean {
  if (origin === undefined || origin === '') return fetchSite === 'same-origin';
  // `Origin: null` (sandboxed frames, some redirects) names no page, so it proves nothing
  if (allowed.has(origin)) return true;
  try {
    const url = new URL(origin);
    return (url.protocol === 'http:' || url.protocol === 'https:') && host !== undefined && url.host === host.toLowerCase();
  } catch {
    return false;
  }
}

function hasBody(headers: Record<string, string | string[] | undefined>): boolean {
  return headers['transfer-encoding'] !== undefined || (headers['content-length'] !== undefined && headers['content-length'] !== '0');
}

function isJson(contentType: string | undefined): boolean {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase() === 'application/json';
}
