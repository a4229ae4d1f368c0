/** The Express app: security headers, body limits, the API routers, and one error handler. */
import express, { type ErrorRequestHandler, type Router } from 'express';
import cors from 'cors';
import helmet from 'helmet';
import type { Logger } from 'pino';
import { throttledWarn } from './throttled-log.ts';
import type { TrustProxy } from '../config/trust-proxy.ts';
import { HttpError } from './http-error.ts';
import { asDomainError, Conflict, DomainError, Forbidden, InputError, NotFound, TooManyAttempts, Unauthenticated, Unavailable } from '../domain-errors.ts';
import { sameOriginGuard } from './same-origin-guard.ts';
import { compressAnswers } from './compress-answers.ts';

export const MAX_BODY = '1mb';

export interface AppOptions {
  /** Origins whose pages may call the API from a browser (ALLOWED_ORIGINS); none: same origin only. */
  allowedOrigins: string[];
  /** Which proxies may name the client address (TRUST_PROXY, Express semantics). @default 'loopback' */
  trustProxy?: TrustProxy;
  /** The hub's clock, for the `Date` header of the browser routes (screens estimate the hub's time from it). @default Date.now */
  now?: () => number;
}

/**
 * JSON bodies up to MAX_BODY; the raw body is kept for signed ingest requests (YG-HMAC-SHA256
 * covers the exact bytes).
 */
export const jsonBody = express.json({
  limit: MAX_BODY,
  strict: false,
  verify: (req, _res, buf) => {
    (req as { rawBody?: Buffer }).rawBody = buf;
  },
});

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
  // req.ip, which lockouts and the audit record, is the client's address only if the proxy is trusted
  app.set('trust proxy', opts.trustProxy ?? 'loopback');
  for (const r of routes.machine) app.use(r);
  // the hub's own clock in the Date header (Node writes the process's): a screen whose PC clock is
  // wrong shows the hub's time, and a hub run on another clock (tests) must say so (web/hub-clock.ts)
  if (opts.now) {
    const now = opts.now;
    app.use((_req, res, next) => {
      res.setHeader('Date', new Date(now()).toUTCString());
      next();
    });
  }
  // pages talk to this hub alone (the screens send their own, same, connect-src: server/screens/screens-routes.ts)
  app.use(helmet({ contentSecurityPolicy: { directives: { connectSrc: ["'self'"] } } }));
  // No CORS headers unless configured: browsers then keep other sites' pages from reading the API.
  if (opts.allowedOrigins.length > 0) app.use('/api', cors({ origin: opts.allowedOrigins, credentials: true }));
  // before the body is parsed: a cross-site write is refused unread
  app.use(sameOriginGuard(opts.allowedOrigins));
  app.use(jsonBody);
  // JSON answers above ~1 KB compressed; the machine routes above answer before it (compress-answers.ts)
  app.use(compressAnswers());
  for (const r of routes.browser) app.use(r);
  app.use('/api', (_req, _res, next) => next(new HttpError(404, 'no such API route; see docs/api.md')));

  // a busy or absent Redis refuses every batch: one line, then one per 10 s with the count
  const warnFailed = throttledWarn(log);
  const onError: ErrorRequestHandler = (err, req, res, _next) => {
    const answer = answerOf(err);
    if (answer) {
      // keyed by status and error kind, not by path: paths carry ids, and the keys must stay few
      if (answer.status >= 500)
        warnFailed(
          `${answer.status} ${answer.kind}`,
          { path: req.path, status: answer.status, err: answer.body.error, ...(answer.detail ? { detail: answer.detail } : {}) },
          'request failed',
        );
      res.status(answer.status).set(answer.headers).json(answer.body);
      return;
    }
    log.error({ err, path: req.path }, 'unexpected error');
    res.status(500).json({ error: 'internal error; see the hub log' });
  };
  app.use(onError);
  return app;
}

interface ErrorAnswer {
  status: number;
  /** For the log's throttle key: the error's class. */
  kind: string;
  headers: Record<string, string>;
  body: { error: string; field?: string; [more: string]: unknown };
  detail?: string;
}

const STATUS_OF: [new (...args: never[]) => DomainError, number][] = [
  [InputError, 400],
  [Unauthenticated, 401],
  [Forbidden, 403],
  [NotFound, 404],
  [Conflict, 409],
  [TooManyAttempts, 429],
  [Unavailable, 503],
];

/**
 * The one mapping of errors to answers: domain errors (server/domain-errors.ts, a Redis failure
 * included) by their class, the HTTP layer's own HttpError, and body-parser's refusals; null for
 * anything else, which is a bug (500).
 */
export function answerOf(err: unknown): ErrorAnswer | null {
  if (err instanceof HttpError) {
    return {
      status: err.status,
      kind: err.name,
      headers: err.headers,
      body: { error: err.message, ...(err.field ? { field: err.field } : {}) },
      ...(err.detail ? { detail: err.detail } : {}),
    };
  }
  const domain = asDomainError(err);
  if (domain) {
    const status = STATUS_OF.find(([type]) => domain instanceof type)?.[1] ?? 500;
    const field = 'field' in domain && typeof domain.field === 'string' ? domain.field : undefined;
    const headers: Record<string, string> = {};
    if (domain instanceof TooManyAttempts || domain instanceof Unavailable) headers['Retry-After'] = String(domain.retryAfterSec);
    const body =
      domain instanceof Conflict
        ? { ok: false, code: domain.code, error: domain.message, ...domain.context }
        : { error: domain.message, ...(field ? { field } : {}), ...(domain instanceof InputError && domain.issues ? { issues: domain.issues } : {}) };
    return { status, kind: domain.name, headers, body, ...(domain.detail ? { detail: domain.detail } : {}) };
  }
  const e = err as { type?: string; status?: number; message?: string };
  if (e.type === 'entity.too.large')
    return { status: 413, kind: 'entity.too.large', headers: {}, body: { error: `the body is larger than ${MAX_BODY}`, field: 'body' } };
  if (e.type === 'entity.parse.failed')
    return { status: 400, kind: 'entity.parse.failed', headers: {}, body: { error: `the body is not valid JSON: ${e.message}`, field: 'body' } };
  if (typeof e.status === 'number' && e.status >= 400 && e.status < 500)
    return { status: e.status, kind: 'client', headers: {}, body: { error: e.message ?? 'bad request' } };
  return null;
}
