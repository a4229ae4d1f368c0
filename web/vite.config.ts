/**
 * The screens as one Vite multi-page app. Root is the repo root so `screens/<name>/index.html`
 * builds to `dist/web/screens/<name>/index.html`; with `base: '/screens/'` every asset URL is
 * absolute (`/screens/assets/…`), so the hub can serve a page at `/screens/<name>` and at
 * `/screens/window/<code>` alike. A new screen only needs its folder under `screens/`. Each hashed
 * asset gets a `.br` and a `.gz` copy (scripts/precompress-assets.ts) that the hub sends as they are.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';
import { precompressAssets } from '../scripts/precompress-assets.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const screensDir = path.join(repoRoot, 'screens');

/** Every `screens/<name>/index.html` is an entry. */
function screenEntries(): Record<string, string> {
  const entries: Record<string, string> = {};
  for (const name of fs.readdirSync(screensDir).sort()) {
    const html = path.join(screensDir, name, 'index.html');
    if (fs.existsSync(html)) entries[name] = html;
  }
  return entries;
}

export default defineConfig({
  root: repoRoot,
  base: '/screens/',
  publicDir: false,
  // brotli and gzip copies of the hashed assets, served by server/screens/compressed-assets.ts
  plugins: [vue(), precompressAssets()],
  build: {
    outDir: path.join(repoRoot, 'dist/web'),
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 900,
    rollupOptions: { input: screenEntries() },
  },
  server: { port: 8301, strictPort: false },
});
