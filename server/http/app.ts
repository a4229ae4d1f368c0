/** The Express app: security headers, body limits, the API routers, and one error handler. */
import express, { type ErrorRequestHandler, type Router } from 'express';
import cors from 'cors';
import helmet from 'helmet';
import type { Logger } from 'pino';
import { throttledWarn } from '../observability/throttled-log.ts';
import { HttpError } from './http-error.ts';

export const MAX_BODY = '1mb';

export interface AppOptions {
  /** Origins whose pages may call the API from a browser (ALLOWED_ORIGINS); none: same origin only. */
  allowedOrigins: string[];
}

/**
 * JSON bodies up to MAX_BODY; the raw body is kept for signed ingest requests (YG-HMAC-SHA256
 * covers the exact bytes).
 */
export const jsonBody = express.json({ limit: MAX_BODY, strict: false, verify: (req, _res, buf) => { (req as { rawBody?: Buffer }).rawBody = buf; } });

export interface AppRoutes {
  /**
   * Routes only machines call (event ingest), mounted first and without helmet's browser headers:
   * they answer the center's systems many times a second, and helmet cost about a tenth of the
   * hub's time per batch. Each parses its own body (jsonBody) and sets nosniff itself.
   */
  machine: Router[];
  /** Everything else: screens, reads, sign-in, administration. */
  browser: Router[];
}

export function createApp(routes: AppRoutes, log: Logger, opts: AppOptions = { allowedOrigins: [] }): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  for (const r of routes.machine) app.use(r);
  app.use(helmet());
  // No CORS headers unless configured: browsers then keep other sites' pages from reading the API.
  if (opts.allowedOrigins.length > 0) app.use('/api', cors({ origin: opts.allowedOrigins, credentials: true }));
  app.use(jsonBody);
  for (const r of routes.browser) app.use(r);
  app.use('/api', (_req, _res, next) => next(new HttpError(404, 'no such API route; see docs/api.md')));

  // a busy or absent Redis refuses every batch: one line, then one per 10 s with the count
  const warnFailed = throttledWarn(log);
  const onError: ErrorRequestHandler = (err, req, res, _next) => {
    if (err instanceof HttpError) {
      // keyed by status and error kind, not by path: paths carry ids, and the keys must stay few
      if (err.status >= 500) warnFailed(`${err.status} ${err.name}`, { path: req.path, status: err.status, err: err.message }, 'request failed');
      res.status(err.status).set(err.headers).json({ error: err.message, ...(err.field ? { field: err.field } : {}) });
      return;
    }
    const e = err as { type?: string; status?: number; message?: string };
    if (e.type === 'entity.too.large') {
      res.status(413).json({ error: `the body is larger than ${MAX_BODY}`, field: 'body' });
      return;
    }
    if (e.type === 'entity.parse.failed') {
      res.status(400).json({ error: `the body is not valid JSON: ${e.message}`, field: 'body' });
      return;
    }
    if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
      res.status(e.status).json({ error: e.message ?? 'bad request' });
      return;
    }
    log.error({ err, path: req.path }, 'unexpected error');
    res.status(500).json({ error: 'internal error; see the hub log' });
  };
  app.use(onError);
  return app;
}
