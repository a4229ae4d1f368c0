/** The HTTP side of auth: sign-in (session) and the admin API (users, tokens, audit). */
import { Router } from 'express';
import { adminRouter } from './admin-routes.ts';
import type { Auth } from './auth-service.ts';
import { sessionRouter } from './session-routes.ts';
import { apiRouter } from '../http/api-router.ts';

export function authRouter(auth: Auth): Router {
  const router = apiRouter();
  router.use(sessionRouter(auth), adminRouter(auth));
  return router;
}
