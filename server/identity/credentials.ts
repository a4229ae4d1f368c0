/**
 * What a request or a Socket.IO handshake presents: a token and a session cookie. Read here and
 * nowhere else: `Authorization: Bearer`, `?token=`, the handshake's `auth.token`, and the Cookie
 * header (through the `cookie` package).
 */
import type { IncomingHttpHeaders } from 'node:http';
import { parse as parseCookies } from 'cookie';
import type { Request } from 'express';
import { tokenQuery } from '../../common/api-queries.ts';

/** The session cookie (set by POST /api/v1/session with `res.cookie`, docs/auth.md). */
export const SESSION_COOKIE = 'yg_session';

export interface Credentials {
  /** A screen token; counted only while screen tokens exist (identity.ts). */
  token: string | null;
  /** The session cookie's value. */
  session: string | null;
}

/** The token of `Authorization: Bearer <token>`, or null. */
export function bearerToken(authorization: string | undefined): string | null {
  return /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1] ?? null;
}

/** The session cookie's value in a Cookie header, or null (absent or empty). */
export function sessionCookie(cookieHeader: string | undefined): string | null {
  if (!cookieHeader) return null;
  return parseCookies(cookieHeader)[SESSION_COOKIE] || null;
}

/** An HTTP request: `Authorization: Bearer` or else `?token=`, and the session cookie. */
export function requestCredentials(req: Request): Credentials {
  const query = tokenQuery.safeParse({ ...req.query });
  return {
    token: bearerToken(req.get('authorization')) ?? (query.success ? (query.data.token ?? null) : null),
    session: sessionCookie(req.get('cookie')),
  };
}

/** The session cookie alone: what routes for signed-in users look at (a screen token never makes a user). */
export function sessionCredentials(req: Request): Credentials {
  return { token: null, session: sessionCookie(req.get('cookie')) };
}

/** The parts of a Socket.IO handshake that identify the client. */
export interface HandshakeLike {
  headers: IncomingHttpHeaders;
  auth?: Record<string, unknown>;
}

/** A Socket.IO handshake: `auth.token` (the screen URL's `?token=`, handed over by the client) and the session cookie. */
export function handshakeCredentials(handshake: HandshakeLike): Credentials {
  const token = handshake.auth?.token;
  return {
    token: typeof token === 'string' && token !== '' ? token : null,
    session: sessionCookie(handshake.headers.cookie),
  };
}
