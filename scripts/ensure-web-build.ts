/**
 * Builds the screens (Vite → dist/web) when the build is missing or older than any source under
 * web/, screens/ or common/ (or the Vite config). `npm start` runs it before the hub, so
 * `npm install && npm start` serves the screens with no separate build step; the browser tests
 * call `ensureWebBuild()`. A lock directory makes concurrent callers wait for one build.
 *   tsx scripts/ensure-web-build.ts [--force]
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const WEB_DIST = path.join(repoRoot, 'dist/web');
const STAMP = path.join(repoRoot, 'dist/.web-build-stamp');
const LOCK = path.join(repoRoot, 'dist/.web-build-lock');
const SOURCES = ['web', 'screens', 'common'].map((d) => path.join(repoRoot, d));
const CONFIG = path.join(repoRoot, 'web/vite.config.ts');
/** A lock older than this belongs to a build that died. */
const STALE_LOCK_MS = 5 * 60_000;

export class WebBuildError extends Error {
  override name = 'WebBuildError';
}

function newestSourceMtime(): number {
  let newest = fs.statSync(CONFIG).mtimeMs;
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else newest = Math.max(newest, fs.statSync(p).mtimeMs);
    }
  };
  for (const dir of SOURCES) if (fs.existsSync(dir)) walk(dir);
  return newest;
}

/** True when dist/web is missing or older than a source. */
export function webBuildIsStale(): boolean {
  if (!fs.existsSync(STAMP) || !fs.existsSync(path.join(WEB_DIST, 'screens'))) return true;
  return fs.statSync(STAMP).mtimeMs < newestSourceMtime();
}

async function withLock<T>(fn: () => Promise<T>): Promise<T> {
  fs.mkdirSync(path.dirname(LOCK), { recursive: true });
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    try {
      fs.mkdirSync(LOCK);
      break;
    } catch {
      const age = Date.now() - (fs.statSync(LOCK, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > STALE_LOCK_MS) fs.rmSync(LOCK, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new WebBuildError(`another build holds ${LOCK}; remove it if no build is running`);
      else await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(LOCK, { recursive: true, force: true });
  }
}

/** Builds when stale; returns whether it built. */
export async function ensureWebBuild(opts: { force?: boolean; log?: (msg: string) => void } = {}): Promise<boolean> {
  const log = opts.log ?? ((m: string) => console.log(m));
  if (!opts.force && !webBuildIsStale()) return false;
  return withLock(async () => {
    if (!opts.force && !webBuildIsStale()) return false; // someone else built it while we waited
    const startedAt = Date.now();
    log('yangguang: building the screens (vite) …');
    const { build } = await import('vite');
    try {
      await build({ configFile: CONFIG, logLevel: 'warn' });
    } catch (err) {
      throw new WebBuildError(`the screens did not build: ${err instanceof Error ? err.message : String(err)}`);
    }
    // The stamp carries the start time: a source saved during the build makes the next run rebuild.
    fs.writeFileSync(STAMP, new Date(startedAt).toISOString());
    fs.utimesSync(STAMP, startedAt / 1000, startedAt / 1000);
    log(`yangguang: screens built in ${((Date.now() - startedAt) / 1000).toFixed(1)} s → ${path.relative(process.cwd(), WEB_DIST)}`);
    return true;
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  ensureWebBuild({ force: process.argv.includes('--force') }).catch((err: unknown) => {
    console.error(`yangguang: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
