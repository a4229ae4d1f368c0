/* global process, console, fetch, setTimeout, AbortSignal */
/**
 * Proves the production build the way a server gets it (.ci/run runs it; docs/deploy.md): in a
 * throw-away copy of this working tree (tracked and untracked files, nothing ignored), it runs
 *   npm ci → npm run build → npm prune --omit=dev → npm start (REDIS_URL unset)
 * and checks that the hub started its private redis-server, /healthz and /screens/hall answer 200,
 * an event POSTed with an INGEST_TOKENS token is counted in /api/v1/snapshot, `npm run admin` and
 * the mock's CLI run without the dev dependencies, and that SIGINT to `npm start` stops the hub
 * and its redis-server. About a minute, most of it npm ci and the build. Never touches this
 * working tree's node_modules or dist/.
 *   node scripts/check-production-build.mjs [--keep]      (--keep: leave the copy for a look)
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const keep = process.argv.includes('--keep');
const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'yg-prodcheck-'));
const log = (msg) => console.log(`prodcheck: ${msg}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const TOKEN = 'prodcheck-secret-1';
// the hub's defaults (README "Configuration"), whatever the caller's environment says: REDIS_URL
// unset, so the hub starts its own redis-server
const HUB_VARIABLES =
  /^(PORT|HOST|DATA_DIR|REDIS_|INGEST_|SCREEN_|LIVE_|AGGREGATOR|ALLOWED_ORIGINS|ADMIN_PASSWORD|COOKIE_SECURE|SESSION_IDLE_HOURS|ALERTS_FILE|HOLIDAYS_FILE|CATALOG_DIR|DEDUPE_DAYS|EVENT_LOG_DAYS|LOG_LEVEL|HUB_SECRET|TRUST_PROXY|YG_)/;
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !HUB_VARIABLES.test(k)));
Object.assign(env, { INGEST_TOKENS: `queue=${TOKEN}`, HOST: '127.0.0.1' });

class CheckError extends Error {}
const check = (ok, what) => {
  if (!ok) throw new CheckError(what);
  log(`ok  ${what}`);
};

function run(cmd, args, opts = {}) {
  log(`$ ${[cmd, ...args].join(' ')}`);
  const res = spawnSync(cmd, args, { cwd: copy, env, stdio: ['ignore', 'inherit', 'inherit'], ...opts });
  if (res.status !== 0) throw new CheckError(`${[cmd, ...args].join(' ')} exited ${res.status ?? res.signal}`);
  return res;
}

function copyWorkingTree() {
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' })
    .split('\0')
    .filter(Boolean);
  for (const f of files) {
    const from = path.join(root, f);
    if (!fs.existsSync(from)) continue; // deleted, not yet committed
    fs.mkdirSync(path.dirname(path.join(copy, f)), { recursive: true });
    fs.copyFileSync(from, path.join(copy, f));
  }
  log(`copied ${files.length} files of ${root} to ${copy}`);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function waitFor(what, fn, ms) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn().catch((err) => {
      if (err instanceof CheckError) throw err;
      return undefined; // not yet
    });
    if (v) return v;
    if (Date.now() > deadline) throw new CheckError(`${what}: not within ${ms / 1000} s`);
    await sleep(250);
  }
}

async function startAndProbe() {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const logFile = path.join(copy, 'npm-start.log');
  const out = fs.openSync(logFile, 'w');
  log(`$ npm start   (PORT=${port}, REDIS_URL unset; output in ${logFile})`);
  const npm = spawn('npm', ['start'], { cwd: copy, env: { ...env, PORT: String(port) }, stdio: ['ignore', out, out] });
  const exited = new Promise((resolve) => npm.on('exit', (code, signal) => resolve({ code, signal })));
  let redisPid = 0;
  try {
    const healthz = await waitFor(
      'GET /healthz 200',
      async () => {
        if (npm.exitCode !== null) throw new CheckError(`npm start exited ${npm.exitCode}:\n${fs.readFileSync(logFile, 'utf8')}`);
        const res = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(2000) });
        return res.status === 200 ? res : undefined;
      },
      60_000,
    );
    check(healthz.status === 200, 'GET /healthz answers 200');

    const pidFile = path.join(copy, 'var/redis/redis.pid');
    redisPid = Number(fs.readFileSync(pidFile, 'utf8').trim());
    check(redisPid > 0 && alive(redisPid), `the hub started its private redis-server (pid ${redisPid}, ${path.relative(copy, pidFile)})`);

    const hall = await fetch(`${base}/screens/hall`);
    const html = await hall.text();
    check(hall.status === 200 && html.includes('/screens/assets/'), 'GET /screens/hall answers 200 with the built page');
    const asset = html.match(/\/screens\/assets\/[^"]+\.js/)?.[0];
    check(asset !== undefined && (await fetch(`${base}${asset}`)).status === 200, `GET ${asset} answers 200`);
    check((await fetch(`${base}/api/v1/screens/hall`)).status === 200, 'GET /api/v1/screens/hall answers 200 (config/hall.json found from dist/)');

    const scope = 'dept:yiyang.realestate';
    const issued = async () => (await (await fetch(`${base}/api/v1/snapshot?scope=${scope}`)).json()).tickets.issued;
    const before = await issued();
    const at = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 19) + '+08:00';
    const post = await fetch(`${base}/api/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify([
        { id: `prodcheck-${Date.now()}`, type: 'ticket.issued', at, source: 'queue', center: 'yiyang', ticket: 'B001', queue: 'B', dept: 'yiyang.realestate' },
      ]),
    });
    const answer = await post.json();
    check(post.status === 202 && answer.accepted === 1, `POST /api/v1/events with the INGEST_TOKENS token: 202, accepted 1`);
    const after = await waitFor('the event counted', async () => ((await issued()) === before + 1 ? before + 1 : undefined), 10_000);
    check(after === before + 1, `GET /api/v1/snapshot?scope=${scope}: tickets.issued ${before} → ${after}`);
  } finally {
    if (npm.exitCode === null) {
      log('SIGINT to npm start');
      npm.kill('SIGINT');
    }
  }
  const end = await Promise.race([exited, sleep(20_000).then(() => null)]);
  if (!end) {
    npm.kill('SIGKILL');
    throw new CheckError('npm start did not exit within 20 s of SIGINT');
  }
  check(end.code === 0, `npm start exited 0 after SIGINT (${JSON.stringify(end)})`);
  if (redisPid) {
    await waitFor('the private redis-server stopped', async () => !alive(redisPid), 10_000);
    check(!alive(redisPid), `the private redis-server (pid ${redisPid}) stopped with the hub`);
  }
  check(fs.readFileSync(logFile, 'utf8').includes('"msg":"hub listening"'), 'the hub logged "hub listening"');
}

async function main() {
  copyWorkingTree();
  run('npm', ['ci', '--no-audit', '--no-fund']);
  run('npm', ['run', 'build']);
  check(
    fs.existsSync(path.join(copy, 'dist/server/main.js')) && fs.existsSync(path.join(copy, 'dist/web/screens/hall/index.html')),
    'npm run build wrote dist/server/main.js and dist/web',
  );
  run('npm', ['prune', '--omit=dev', '--no-audit', '--no-fund']);
  for (const dev of ['tsx', 'vite', 'vitest', '@types/express']) check(!fs.existsSync(path.join(copy, 'node_modules', dev)), `${dev} is gone after the prune`);
  await startAndProbe();
  const admin = run('npm', ['run', '--silent', 'admin'], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  check(admin.stdout.includes('usage: npm run admin'), 'npm run admin runs without the dev dependencies (prints its usage)');
  const mock = run('node', ['dist/mock/cli.js', '--help'], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  check(mock.stdout.includes('npm run mock'), 'node dist/mock/cli.js --help runs without the dev dependencies');
}

main().then(
  () => {
    log('the production build passes');
    if (!keep) fs.rmSync(copy, { recursive: true, force: true });
  },
  (err) => {
    console.error(`prodcheck: FAILED: ${err instanceof CheckError ? err.message : (err?.stack ?? err)}`);
    console.error(`prodcheck: the copy is left in ${copy}`);
    process.exit(1);
  },
);
