/**
 * `npm run demo`: the product as a new user first meets it. Starts the hub (with its private Redis),
 * backfills the last days of the center's history, then feeds it live from the mock, so the
 * screens show a living center. Ctrl-C stops everything (the hub stops its Redis).
 *   PORT (8080), DATA_DIR (var), INGEST_TOKENS (random when unset), DEMO_BACKFILL_DAYS (7), DEMO_SEED (1)
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ensureWebBuild } from './ensure-web-build.ts';
import { hubNodeFlags } from './hub-node-flags.ts';
import { SHANGHAI_OFFSET_MS } from '../common/time.ts';
import { loadMockCalendar } from '../mock/office-hours.ts';
import { progressBar, summary } from '../mock/progress.ts';
import { centerOpenAt, runBackfill, runLive } from '../mock/run.ts';
import { SOURCES } from '../mock/timeline.ts';
import { parseIngestTokens, randomIngestTokens } from '../mock/tokens.ts';

const root = process.cwd();
const tsx = path.join(root, 'node_modules', '.bin', 'tsx');
const port = Number(process.env.PORT ?? 8080);
const url = `http://127.0.0.1:${port}`;
const backfillDays = Number(process.env.DEMO_BACKFILL_DAYS ?? 7);
const seed = process.env.DEMO_SEED ?? '1';
const say = (msg: string) => console.log(`demo: ${msg}`);

async function main(): Promise<number> {
  let tokens = process.env.INGEST_TOKENS ?? '';
  if (!tokens.trim()) {
    tokens = randomIngestTokens();
    say(`INGEST_TOKENS is unset: generated random tokens for all ${SOURCES.length} sources for this run:\n  INGEST_TOKENS="${tokens}"`);
  }
  const tokenMap = parseIngestTokens(tokens);

  const deps = spawnSync(tsx, ['scripts/ensure-system-deps.ts', 'redis'], { stdio: 'inherit' });
  if (deps.status !== 0) return deps.status ?? 1;
  await ensureWebBuild({ log: (m) => say(m) });
  const adminPassword = demoAdminPassword();

  say(`starting the hub on ${url} (logs at warn level; set LOG_LEVEL=info for more)`);
  // node --import tsx, not the tsx CLI: the CLI relays signals and SIGKILLs a child that does not
  // acknowledge one within 30 ms (a busy hub), which left the private redis-server running; with
  // production's node flags (npm start's)
  const hub = spawn(process.execPath, [...hubNodeFlags(), '--import', 'tsx', 'server/main.ts'], {
    env: { ...process.env, INGEST_TOKENS: tokens, ADMIN_PASSWORD: adminPassword, PORT: String(port), LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const hubExit = new Promise<number>((resolve) => hub.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1))));

  const controller = new AbortController();
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    say('stopping the mock and the hub …');
    controller.abort();
    // a terminal's Ctrl-C reaches the hub too (same process group); a kill of the demo alone does not
    if (signal !== 'SIGINT' || !process.stdin.isTTY) hub.kill('SIGTERM');
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));

  try {
    if (!(await waitHealthy(hub, hubExit, controller.signal))) return await finish(hub, hubExit, 1);
    say(`hub ready in ${process.uptime().toFixed(1)} s`);
    printUrls();
    say(
      `the cockpit and the supervisor console ask for a sign-in: user "admin", password "${adminPassword}"${process.env.ADMIN_PASSWORD ? ' (your ADMIN_PASSWORD)' : ` (kept in ${path.relative(root, demoPasswordFile)}; the first admin is created at the hub's first start)`}`,
    );

    if (backfillDays > 0 && !controller.signal.aborted) {
      say(`backfilling the last ${backfillDays} days (everything but the portal's page views) so the history charts have data …`);
      const bar = progressBar();
      const result = await runBackfill({
        url,
        tokens: tokenMap,
        seed,
        days: backfillDays,
        signal: controller.signal,
        only: SOURCES.filter((s) => s !== 'portal'),
        onProgress: (p) => bar.update(p),
      });
      bar.done();
      say(
        `backfill: ${result.totals.sent.toLocaleString('en-US')} events in ${(result.elapsedMs / 1000).toFixed(1)} s (${result.totals.duplicates.toLocaleString('en-US')} already there)`,
      );
    }
    if (controller.signal.aborted) return await finish(hub, hubExit, 0);

    const calendar = loadMockCalendar();
    const open = !centerOpenAt(calendar, Date.now());
    if (open)
      say(
        `the center is closed now (${shanghaiNow()}, ${calendar.isWorkday(Math.floor((Date.now() + SHANGHAI_OFFSET_MS) / 86_400_000)) ? 'outside office hours' : 'a day off'}): simulating a working day's office hours from now (mock live --open)`,
      );
    say(`live: the center's events as they happen (started in ${process.uptime().toFixed(0)} s). Ctrl-C stops.`);
    const live = await runLive({ url, tokens: tokenMap, seed, open, calendar, signal: controller.signal });
    console.log(summary(live));
    return await finish(hub, hubExit, 0);
  } catch (err) {
    if (!controller.signal.aborted) console.error(`demo: ${(err as Error).message}`);
    hub.kill('SIGTERM');
    return await finish(hub, hubExit, controller.signal.aborted ? 0 : 1);
  }
}

async function waitHealthy(hub: ChildProcess, hubExit: Promise<number>, signal: AbortSignal): Promise<boolean> {
  let exited = false;
  void hubExit.then(() => {
    exited = true;
  });
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline && !signal.aborted) {
    if (exited) {
      console.error(`demo: the hub exited during start (code ${hub.exitCode}); see its message above`);
      return false;
    }
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return true;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  if (!signal.aborted) console.error(`demo: the hub did not become healthy at ${url}/healthz within 90 s`);
  hub.kill('SIGTERM');
  return false;
}

/** Waits for the hub to stop (it stops its private Redis first), killing it if it hangs. */
async function finish(hub: ChildProcess, hubExit: Promise<number>, code: number): Promise<number> {
  if (hub.exitCode === null && hub.signalCode === null) {
    const timer = setTimeout(() => hub.kill('SIGTERM'), 3000);
    const hard = setTimeout(() => hub.kill('SIGKILL'), 20_000);
    await hubExit;
    clearTimeout(timer);
    clearTimeout(hard);
  }
  say('stopped');
  return code;
}

const demoPasswordFile = path.join(root, process.env.DATA_DIR ?? 'var', 'demo-admin-password');

/** ADMIN_PASSWORD, or one generated for the demo and kept beside the data so later runs match it. */
function demoAdminPassword(): string {
  if (process.env.ADMIN_PASSWORD) return process.env.ADMIN_PASSWORD;
  if (fs.existsSync(demoPasswordFile)) return fs.readFileSync(demoPasswordFile, 'utf8').trim();
  const password = crypto.randomBytes(9).toString('base64url');
  fs.mkdirSync(path.dirname(demoPasswordFile), { recursive: true });
  fs.writeFileSync(demoPasswordFile, `${password}\n`, { mode: 0o600 });
  return password;
}

function printUrls(): void {
  console.log(
    [
      '  screens (served by the hub):',
      `    hall LED wall      ${url}/screens/hall`,
      `    window LED         ${url}/screens/window/yiyang.w001`,
      `    leaders' cockpit   ${url}/screens/cockpit`,
      `    supervisors        ${url}/screens/supervisor`,
      `    admin console      ${url}/screens/admin`,
      `    named hall (fleet) ${url}/screens/hall?screen=hall-1`,
      '  API:',
      `    snapshot           ${url}/api/v1/snapshot?scope=center:yiyang`,
      `    health             ${url}/healthz`,
    ].join('\n'),
  );
}

function shanghaiNow(): string {
  const d = new Date(Date.now() + SHANGHAI_OFFSET_MS);
  return `${['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'][d.getUTCDay()]} ${d.toISOString().slice(0, 16).replace('T', ' ')} Asia/Shanghai`;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
