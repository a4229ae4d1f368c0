/** The HTTP side of auth: sign-in (session) and the admin API (users, tokens, audit). */
import { Router } from 'express';
import { adminRouter } from './admin-routes.ts';
import type { Auth } from './auth-service.ts';
import { sessionRouter } from './session-routes.ts';

export function authRouter(auth: Auth): Router {
  const router = Router();
  router.use(sessionRouter(auth), adminRouter(auth));
  return router;
}
