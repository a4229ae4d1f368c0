/**
 * The web app manifest of a screen that can be installed to a phone's home screen (today the
 * cockpit: docs/cockpit.md, "On a phone"), at `/screens/<name>/manifest.webmanifest`. Its icons are
 * the page's own `<link rel="icon" sizes=…>` as Vite built them (hashed, under /screens/assets/),
 * read from the built page, so the manifest never names an icon the build does not have.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Response } from 'express';
import { HttpError } from '../http/http-error.ts';

interface AppManifest {
  name: string;
  short_name: string;
  description: string;
  start_url: string;
  scope: string;
  display: 'standalone';
  orientation: 'portrait';
  lang: 'zh-CN';
  background_color: string;
  theme_color: string;
  icons: { src: string; sizes: string; type: string; purpose: string }[];
}

/** The installable screens, by name. */
const INSTALLABLE = new Map<string, Omit<AppManifest, 'icons' | 'start_url' | 'scope'>>([
  [
    'cockpit',
    {
      name: '领导驾驶舱 · 阳光政务',
      short_name: '驾驶舱',
      description: '政务服务中心办件、等候、评价与收费的实时指标',
      display: 'standalone',
      orientation: 'portrait',
      lang: 'zh-CN',
      background_color: '#040b1a',
      theme_color: '#040b1a',
    },
  ],
]);

const ICON_LINK_RE = /<link\b[^>]*\brel="icon"[^>]*>/g;
const attr = (tag: string, name: string): string | null => new RegExp(`\\b${name}="([^"]*)"`).exec(tag)?.[1] ?? null;

/** The icons a built page declares with a size (`<link rel="icon" sizes="192x192" href=…>`). */
export function iconsOfPage(html: string): AppManifest['icons'] {
  const icons: AppManifest['icons'] = [];
  for (const tag of html.match(ICON_LINK_RE) ?? []) {
    const src = attr(tag, 'href');
    const sizes = attr(tag, 'sizes');
    if (!src || !sizes || src.startsWith('data:')) continue;
    icons.push({ src, sizes, type: attr(tag, 'type') ?? 'image/png', purpose: 'any' });
  }
  return icons;
}

/** GET /screens/:name/manifest.webmanifest; a screen that is not installable is a 404 like any unknown path. */
export function sendScreenManifest(res: Response, name: string, distDir: string): void {
  const app = INSTALLABLE.get(name);
  if (!app) throw new HttpError(404, 'no such screen');
  let html: string;
  try {
    html = fs.readFileSync(path.join(distDir, 'screens', name, 'index.html'), 'utf8');
  } catch {
    throw new HttpError(503, 'the screens are not built yet: run `npm run build` (npm start does it)');
  }
  const manifest: AppManifest = { ...app, start_url: `/screens/${name}`, scope: `/screens/${name}`, icons: iconsOfPage(html) };
  res.set({ 'Content-Type': 'application/manifest+json; charset=utf-8', 'Cache-Control': 'no-cache' }).send(JSON.stringify(manifest));
}
