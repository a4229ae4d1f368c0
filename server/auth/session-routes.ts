/** Sign-in (docs/auth.md): POST / GET / DELETE /api/v1/session with an httpOnly cookie. */
import type { CookieOptions, Router } from 'express';
import { z } from 'zod';
import { InputError, Unauthenticated } from '../domain-errors.ts';
import { SESSION_COOKIE, sessionCredentials } from '../identity/credentials.ts';
import type { Auth } from './auth-service.ts';
import { clientIp } from './middleware.ts';
import { apiRouter } from '../http/api-router.ts';

export const signInSchema = z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(256) });

export function sessionRouter(auth: Auth): Router {
  const router = apiRouter();
  const cookieOptions: CookieOptions = { path: '/', httpOnly: true, sameSite: 'strict', secure: auth.cookieSecure };

  router.post('/api/v1/session', async (req, res) => {
    const body = signInSchema.safeParse(req.body);
    if (!body.success) throw new InputError('send {"username": "...", "password": "..."}', body.error.issues[0]?.path.join('.') || 'body');
    // a wrong password is SignInError (401), a lockout LockedOutError (429): the error handler answers them
    const { cookie, user } = await auth.signIn(body.data.username, body.data.password, clientIp(req));
    res.cookie(SESSION_COOKIE, cookie, { ...cookieOptions, maxAge: auth.sessions.maxAgeSec * 1000 });
    res.json({ ok: true, user });
  });

  router.get('/api/v1/session', async (req, res) => {
    const principal = await auth.identity.resolve(sessionCredentials(req));
    if (principal.kind !== 'user') throw new Unauthenticated('not signed in');
    res.json({ ok: true, user: principal.user });
  });

  router.delete('/api/v1/session', async (req, res) => {
    const credentials = sessionCredentials(req);
    const principal = await auth.identity.resolve(credentials);
    if (credentials.session) await auth.sessions.destroy(credentials.session);
    if (principal.kind === 'user')
      await auth.audit.record({ actor: principal.user.username, action: 'signout', target: principal.user.username, ip: clientIp(req) });
    res.clearCookie(SESSION_COOKIE, cookieOptions);
    res.json({ ok: true });
  });
  return router;
}
