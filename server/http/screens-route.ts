/**
 * Serves the built screens (dist/web, see web/vite.config.ts) under /screens/*:
 * - `/screens/<name>` and `/screens/<name>/<anything>` → that screen's page (so the window screen
 *   reads its code from `/screens/window/<code>`); html is never cached, so walls pick up a new
 *   build on their next reload;
 * - `/screens/assets/*` → hashed bundles, cached for a year;
 * - `GET /api/v1/screens/hall` → the hall's notices (config/hall.json), read on each request so
 *   an edit shows on the next page load without restarting the hub.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { Router, type Response } from 'express';
import { z } from 'zod';
import { HttpError } from './http-error.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface ScreensRouterOptions {
  /** The Vite output. @default <repo>/dist/web */
  distDir?: string;
  /** The hall's notices. @default <repo>/config/hall.json */
  hallConfigFile?: string;
}

const hallConfigSchema = z.object({
  title: z.string().min(1).optional(),
  notices: z.array(z.object({ tag: z.string().min(1).max(12), text: z.string().min(1).max(500) })).max(100),
});
export type HallScreenConfig = z.infer<typeof hallConfigSchema>;

/**
 * Screens connect to the hub over plain HTTP on the hall's network, so the page must not carry
 * helmet's `upgrade-insecure-requests` (it would send every asset to https and blank the wall).
 */
const SCREEN_CSP = [
  "default-src 'self'", "script-src 'self'", "style-src 'self' 'unsafe-inline'", "img-src 'self' data:",
  "font-src 'self' data:", "connect-src 'self' ws: wss:", "object-src 'none'", "base-uri 'self'", "frame-ancestors 'self'",
].join('; ');

export function screensRouter(options: ScreensRouterOptions = {}): Router {
  const distDir = options.distDir ?? path.join(repoRoot, 'dist/web');
  const hallConfigFile = options.hallConfigFile ?? path.join(repoRoot, 'config/hall.json');
  const router = Router();

  router.get('/api/v1/screens/hall', (_req, res) => {
    let parsed: HallScreenConfig;
    try {
      parsed = hallConfigSchema.parse(JSON.parse(fs.readFileSync(hallConfigFile, 'utf8')));
    } catch (err) {
      throw new HttpError(500, `${hallConfigFile} is not a valid hall config: ${err instanceof Error ? err.message : String(err)}`);
    }
    res.set('Cache-Control', 'no-cache').json(parsed);
  });

  router.use('/screens/assets', express.static(path.join(distDir, 'assets'), {
    immutable: true, maxAge: '365d', index: false, fallthrough: true,
  }));

  router.get('/screens', (_req, res) => res.redirect(302, '/screens/hall'));
  router.get(['/screens/:name', '/screens/:name/{*rest}'], (req, res) => {
    const name = String(req.params.name);
    if (!/^[a-z][a-z0-9-]{0,40}$/.test(name) || name === 'assets') throw new HttpError(404, 'no such screen');
    sendScreen(res, path.join(distDir, 'screens', name, 'index.html'), distDir);
  });
  return router;
}

function sendScreen(res: Response, file: string, distDir: string): void {
  let html: string;
  try {
    html = fs.readFileSync(file, 'utf8');
  } catch {
    if (!fs.existsSync(distDir)) throw new HttpError(503, 'the screens are not built yet: run `npx tsx scripts/ensure-web-build.ts` (npm start does it)');
    throw new HttpError(404, 'no such screen');
  }
  res.set({ 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-cache', 'Content-Security-Policy': SCREEN_CSP }).send(html);
}
