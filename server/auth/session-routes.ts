/** Sign-in (DESIGN section 8): POST / GET / DELETE /api/v1/session with an httpOnly cookie. */
import { Router, type Response } from 'express';
import { z } from 'zod';
import { HttpError } from '../http/http-error.ts';
import { SignInError, type Auth } from './auth-service.ts';
import { LockedOutError } from './login-limiter.ts';
import { clientIp } from './middleware.ts';
import { readCookie, SESSION_COOKIE } from './sessions.ts';

const signInSchema = z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(256) });

export function sessionRouter(auth: Auth): Router {
  const router = Router();
  const setCookie = (res: Response, value: string, maxAgeSec: number) => {
    const parts = [`${SESSION_COOKIE}=${value}`, 'Path=/', 'HttpOnly', 'SameSite=Strict', `Max-Age=${maxAgeSec}`];
    if (auth.cookieSecure) parts.push('Secure');
    res.append('Set-Cookie', parts.join('; '));
  };

  router.post('/api/v1/session', async (req, res) => {
    const body = signInSchema.safeParse(req.body);
    if (!body.success) throw new HttpError(400, 'send {"username": "...", "password": "..."}', body.error.issues[0]?.path.join('.') || 'body');
    try {
      const { cookie, user } = await auth.signIn(body.data.username, body.data.password, clientIp(req));
      setCookie(res, cookie, auth.sessions.maxAgeSec);
      res.json({ ok: true, user });
    } catch (err) {
      if (err instanceof LockedOutError) throw new HttpError(429, err.message, 'username', { 'Retry-After': String(err.retryAfterSec) });
      if (err instanceof SignInError) throw new HttpError(401, err.message, 'password');
      throw err;
    }
  });

  router.get('/api/v1/session', async (req, res) => {
    const user = await auth.userOfSession(readCookie(req.get('cookie'), SESSION_COOKIE));
    if (!user) throw new HttpError(401, 'not signed in');
    res.json({ ok: true, user });
  });

  router.delete('/api/v1/session', async (req, res) => {
    const value = readCookie(req.get('cookie'), SESSION_COOKIE);
    const user = await auth.userOfSession(value);
    if (value) await auth.sessions.destroy(value);
    if (user) await auth.audit.record({ actor: user.username, action: 'signout', target: user.username, ip: clientIp(req) });
    setCookie(res, '', 0);
    res.json({ ok: true });
  });
  return router;
}
