/**
 * Serves the built screens (dist/web, see web/vite.config.ts) under /screens/*:
 * - `/screens/<name>` and `/screens/<name>/<anything>` → that screen's page (so the window screen
 *   reads its code from `/screens/window/<code>`); html is never cached, so walls pick up a new
 *   build on their next reload;
 * - `/screens/assets/*` → hashed bundles, cached for a year;
 * - `GET /api/v1/screens/hall` → the hall's notices: the live `hall` configuration section
 *   (docs/admin.md; a PUT is pushed to the walls as `config` on /live), or without one
 *   config/hall.json read on each request.
 */
import fs from 'node:fs';
import path from 'node:path';
import express, { type RequestHandler, type Response, type Router } from 'express';
import { hallConfigSchema, hallOfficeHours, type HallConfig, type HallScreenConfig } from '../../common/hall.ts';
import { screenName } from '../../common/api-queries.ts';
import { HttpError } from '../http/http-error.ts';
import { apiRouter } from '../http/api-router.ts';
import { parsePathParam } from '../http/parse-request.ts';
import { repoRoot } from '../config/repo-root.ts';
import { sendScreenManifest } from './screen-manifest.ts';
import { compressedAssets } from './compressed-assets.ts';

export interface ScreensRouterOptions {
  /** The Vite output. @default <repo>/dist/web */
  distDir?: string;
  /** The hall's notices as they are now (the hub hands the live `hall` section). @default read from `hallConfigFile` */
  hallConfig?: () => HallConfig;
  /** The hall's notices. @default <repo>/config/hall.json */
  hallConfigFile?: string;
  /** The office hours now, as minutes of the day: the hall speaks calls only within them. @default none (a silent hall) */
  officeHours?: () => readonly { from: number; to: number }[];
  /** Who may read the hall config (the screen-token guard). @default everyone */
  guard?: RequestHandler;
}

/**
 * Screens connect to the hub over plain HTTP on the hall's network, so the page must not carry
 * helmet's `upgrade-insecure-requests` (it would send every asset to https and blank the wall).
 * `connect-src 'self'` covers the screens' own Socket.IO WebSocket (CSP 3 matches ws: and wss:
 * of the page's host to 'self'), and nothing else: a script slipped into a screen cannot send
 * what it reads anywhere but this hub.
 */
const SCREEN_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "frame-ancestors 'self'",
].join('; ');

export function screensRouter(options: ScreensRouterOptions = {}): Router {
  const distDir = options.distDir ?? path.join(repoRoot, 'dist/web');
  const hallConfigFile = options.hallConfigFile ?? path.join(repoRoot, 'config/hall.json');
  const router = apiRouter();

  router.get('/api/v1/screens/hall', options.guard ?? ((_req, _res, next) => next()), (_req, res) => {
    const officeHours = hallOfficeHours(options.officeHours?.() ?? []);
    if (options.hallConfig) {
      res.set('Cache-Control', 'no-cache').json({ ...options.hallConfig(), officeHours } satisfies HallScreenConfig);
      return;
    }
    let parsed: HallConfig;
    try {
      parsed = hallConfigSchema.parse(JSON.parse(fs.readFileSync(hallConfigFile, 'utf8')));
    } catch (err) {
      throw new HttpError(500, `${hallConfigFile} is not a valid hall config: ${err instanceof Error ? err.message : String(err)}`);
    }
    res.set('Cache-Control', 'no-cache').json({ ...parsed, officeHours } satisfies HallScreenConfig);
  });

  router.use('/screens/assets', compressedAssets(path.join(distDir, 'assets')));
  router.use(
    '/screens/assets',
    express.static(path.join(distDir, 'assets'), {
      immutable: true,
      maxAge: '365d',
      index: false,
      fallthrough: true,
    }),
  );

  router.get('/screens', (_req, res) => res.redirect(302, '/screens/hall'));
  // before the page route: an installable screen's manifest (screen-manifest.ts)
  router.get('/screens/:name/manifest.webmanifest', (req, res) => {
    sendScreenManifest(res, parsePathParam(req, 'name', screenName, 404), distDir);
  });
  router.get(['/screens/:name', '/screens/:name/{*rest}'], (req, res) => {
    // a name no screen can have is a 404, like a screen that does not exist
    const name = parsePathParam(req, 'name', screenName, 404);
    sendScreen(res, path.join(distDir, 'screens', name, 'index.html'), distDir);
  });
  return router;
}

function sendScreen(res: Response, file: string, distDir: string): void {
  let html: string;
  try {
    html = fs.readFileSync(file, 'utf8');
  } catch {
    if (!fs.existsSync(distDir)) throw new HttpError(503, 'the screens are not built yet: run `npm run build` (npm start does it)');
    throw new HttpError(404, 'no such screen');
  }
  res.set({ 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-cache', 'Content-Security-Policy': SCREEN_CSP }).send(html);
}
