/* global process, console, setTimeout */
/**
 * The production build (`npm run build`), in plain JavaScript so that plain `node` runs it, also
 * on a server pruned of its dev dependencies (`npm prune --omit=dev`):
 *   - the hub, common/, the mock and the CLIs (scripts/admin.ts, scripts/ensure-system-deps.ts):
 *     `tsc -p tsconfig.build.json` → dist/server, dist/common, dist/mock, dist/scripts, with the
 *     `.ts` import specifiers rewritten to `.js`; a type error fails the build;
 *   - the Lua scripts the hub reads next to its modules (server/**\/*.lua → dist/server/…);
 *   - the screens (Vite → dist/web) through scripts/ensure-web-build.ts, when they are missing or
 *     older than their sources (`--force`: always).
 * `--if-stale` (npm start, npm run admin) compiles the hub only when dist/ is missing or older
 * than a source; where the build tools are not installed (a pruned production install) it runs
 * the build that is there, and refuses only when there is none. `--server-only` skips the screens.
 *   node scripts/build.mjs [--if-stale] [--server-only] [--force]
 * Everything it prints goes to stderr, so a CLI run after it keeps a clean stdout.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const STAMP = path.join(dist, '.server-build-stamp');
const LOCK = path.join(dist, '.server-build-lock');
/** What tsc writes under dist/ (rootDir is the repo root). */
const OUTPUT_DIRS = ['server', 'common', 'mock', 'scripts'];
/** The sources of the compiled part: a change to any of them makes it stale. */
const SOURCES = [
  'server',
  'common',
  'mock',
  'scripts/admin.ts',
  'scripts/admin-config.ts',
  'scripts/ensure-system-deps.ts',
  'scripts/build.mjs',
  'tsconfig.json',
  'tsconfig.build.json',
];
/** A lock older than this belongs to a build that died. */
const STALE_LOCK_MS = 5 * 60_000;

const args = new Set(process.argv.slice(2));
const ifStale = args.has('--if-stale');
const serverOnly = args.has('--server-only');
const force = args.has('--force');
const log = (msg) => console.error(`yangguang: ${msg}`);
const rel = (p) => path.relative(process.cwd(), p) || '.';

class BuildError extends Error {}

/**
 * The dev dependencies that are not installed: none on a development install, most after
 * `npm prune --omit=dev`. Not "can TypeScript be found": a production install keeps typescript
 * (an optional peer of vue and pinia) and @types/node (a dependency of socket.io), but tsc cannot
 * check the hub without the other type packages.
 */
function missingDevDependencies() {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  return Object.keys(pkg.devDependencies ?? {}).filter((n) => !fs.existsSync(path.join(root, 'node_modules', n, 'package.json')));
}

function newestMtime(p) {
  const st = fs.statSync(p, { throwIfNoEntry: false });
  if (!st) return 0;
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs; // a deleted file changes its folder
  for (const entry of fs.readdirSync(p, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    newest = Math.max(newest, newestMtime(path.join(p, entry.name)));
  }
  return newest;
}

const serverBuilt = () => fs.existsSync(STAMP) && fs.existsSync(path.join(dist, 'server/main.js'));
const serverStale = () => !serverBuilt() || fs.statSync(STAMP).mtimeMs < Math.max(...SOURCES.map((s) => newestMtime(path.join(root, s))));
const webBuilt = () => fs.existsSync(path.join(dist, 'web/screens'));

async function withLock(fn) {
  fs.mkdirSync(dist, { recursive: true });
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    try {
      fs.mkdirSync(LOCK);
      break;
    } catch {
      const age = Date.now() - (fs.statSync(LOCK, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > STALE_LOCK_MS) fs.rmSync(LOCK, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new BuildError(`another build holds ${rel(LOCK)}; remove it if no build is running`);
      else await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(LOCK, { recursive: true, force: true });
  }
}

/** The hub reads its Lua scripts next to its modules (server/redis/scripts.ts, alert-scripts.ts …). */
function copyLua(fromDir, toDir, written) {
  for (const entry of fs.readdirSync(fromDir, { withFileTypes: true })) {
    const from = path.join(fromDir, entry.name);
    if (entry.isDirectory()) copyLua(from, path.join(toDir, entry.name), written);
    else if (entry.name.endsWith('.lua')) {
      fs.mkdirSync(toDir, { recursive: true });
      fs.copyFileSync(from, path.join(toDir, entry.name));
      written.add(path.join(toDir, entry.name));
    }
  }
}

/** Removes what an earlier build left under the output folders and this one did not write. */
function removeLeftovers(dir, keep) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      removeLeftovers(p, keep);
      if (fs.readdirSync(p).length === 0) fs.rmdirSync(p);
    } else if (!keep.has(p)) fs.rmSync(p);
  }
}

function buildServer() {
  const startedAt = Date.now();
  log('compiling the hub, the mock and the CLIs (tsc -p tsconfig.build.json) …');
  fs.rmSync(STAMP, { force: true });
  // noEmitOnError (tsconfig.build.json): a failed build leaves the previous one in place
  const tsc = path.join(root, 'node_modules/typescript/bin/tsc');
  const res = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--listEmittedFiles'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 2],
    encoding: 'utf8',
    maxBuffer: 64 * 2 ** 20,
  });
  const emitted = new Set();
  for (const line of res.stdout.split('\n')) {
    if (line.startsWith('TSFILE: ')) emitted.add(path.resolve(line.slice('TSFILE: '.length).trim()));
    else if (line.trim()) process.stderr.write(`${line}\n`);
  }
  if (res.status !== 0) throw new BuildError(`tsc failed (exit ${res.status ?? res.signal}): the hub was not rebuilt`);
  copyLua(path.join(root, 'server'), path.join(dist, 'server'), emitted);
  for (const d of OUTPUT_DIRS) if (fs.existsSync(path.join(dist, d))) removeLeftovers(path.join(dist, d), emitted);
  // the stamp carries the start time: a source saved during the build makes the next run rebuild
  fs.writeFileSync(STAMP, new Date(startedAt).toISOString());
  fs.utimesSync(STAMP, startedAt / 1000, startedAt / 1000);
  log(`hub compiled in ${((Date.now() - startedAt) / 1000).toFixed(1)} s → ${rel(path.join(dist, 'server/main.js'))}`);
}

function buildWeb() {
  // ensure-web-build.ts builds only when the screens are stale (or --force), under its own lock
  const res = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/ensure-web-build.ts', ...(force ? ['--force'] : [])], {
    cwd: root,
    stdio: ['ignore', 2, 2],
  });
  if (res.status !== 0) throw new BuildError(`the screens did not build (exit ${res.status ?? res.signal})`);
}

async function main() {
  const missing = missingDevDependencies();
  if (missing.length > 0 && !ifStale) {
    throw new BuildError(
      `npm run build needs the dev dependencies (${missing.slice(0, 4).join(', ')}${missing.length > 4 ? ' …' : ''} not installed): run \`npm install\` (without --omit=dev) first`,
    );
  }
  if (missing.length > 0) {
    // a production install: run the build that is there, never half-build with what is left
    const none = [!fs.existsSync(path.join(dist, 'server/main.js')) && 'the hub', !serverOnly && !webBuilt() && 'the screens'].filter(Boolean);
    if (none.length)
      throw new BuildError(
        `dist/ holds no build of ${none.join(' or ')}, and the dev dependencies that build it are not installed (npm install --omit=dev / npm prune --omit=dev). Build where they are (\`npm install && npm run build\`) and copy dist/ here, see docs/deploy.md`,
      );
    if (serverStale())
      log('the sources are newer than the build in dist/, and the dev dependencies are not installed to rebuild it: running the build that is there');
    return;
  }
  if (!ifStale || serverStale()) {
    await withLock(async () => {
      if (!ifStale || serverStale()) buildServer(); // else another build finished while we waited
    });
  }
  if (!serverOnly) buildWeb();
}

main().catch((err) => {
  log(err instanceof BuildError ? err.message : String(err?.stack ?? err));
  process.exit(1);
});
