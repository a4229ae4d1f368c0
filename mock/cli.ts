/** `npm run mock -- <live|replay|backfill> [options]`: the simulated center, sent to a hub. */
import { parseArgs } from 'node:util';
import { dayIndexOf } from '../common/time.ts';
import { loadMockCalendar } from './office-hours.ts';
import { progressBar, summary } from './progress.ts';
import { centerOpenAt, runBackfill, runLive, runReplay, type RunOptions, type RunResult } from './run.ts';
import { parseScenarios, SCENARIOS } from './scenarios.ts';
import { DEFAULT_SEED, SOURCE_DESCRIPTIONS, SOURCES, type SourceName } from './timeline.ts';
import { parseIngestTokens } from './tokens.ts';

const HELP = `Usage: npm run mock -- <mode> [options]

Simulates the Yiyang government service center and sends its events to a hub through
POST /api/v1/events, each system with its own token from INGEST_TOKENS (the hub's variable).

Modes:
  live                 follow the wall clock: today's events so far at once, then each as it happens
  replay --date D      one date (YYYY-MM-DD, within the hub's 35 days) at --speed N or max
  backfill --days N    the last N days before today, oldest first, as fast as the hub takes

Options:
  --url URL            the hub (default http://127.0.0.1:8080)
  --seed S             the same seed and date give the same events (default ${DEFAULT_SEED})
  --speed N|max        replay: N times real time, or max (default max)
  --days N             backfill: how many days (default 7)
  --open               live: run today as a working day whose 10:00 is now, even at night or on
                       a weekend or holiday (real timestamps; for demos)
  --scenario a,b       switch on scenarios (replay: at 10:00; live: a minute after the start)
  --only a,b           send only these sources (e.g. --only cases to carry cases into a later replay)
  --quiet              no progress bar
  -h, --help           this help

Scenarios:
${Object.entries(SCENARIOS)
  .map(([k, v]) => `  ${k.padEnd(19)}  ${v}`)
  .join('\n')}

Sources (INGEST_TOKENS="queue=…,window=…,…"):
${SOURCES.map((s) => `  ${s.padEnd(19)}  ${SOURCE_DESCRIPTIONS[s]}`).join('\n')}

Examples:
  INGEST_TOKENS=… npm run mock -- backfill --days 7
  INGEST_TOKENS=… npm run mock -- replay --date 2026-11-25 --speed 60 --scenario queue-surge
  INGEST_TOKENS=… npm run mock -- live --open --scenario overdue-case,bad-reviews
`;

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      url: { type: 'string', default: 'http://127.0.0.1:8080' },
      seed: { type: 'string', default: DEFAULT_SEED },
      date: { type: 'string' },
      speed: { type: 'string', default: 'max' },
      days: { type: 'string', default: '7' },
      open: { type: 'boolean', default: false },
      scenario: { type: 'string' },
      only: { type: 'string' },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const mode = positionals[0];
  if (values.help || !mode) {
    process.stdout.write(HELP);
    return values.help ? 0 : 64;
  }
  if (!['live', 'replay', 'backfill'].includes(mode)) throw new UsageError(`unknown mode "${mode}"; use live, replay or backfill (see --help)`);

  const only = values.only
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean) as SourceName[] | undefined;
  for (const s of only ?? []) if (!SOURCES.includes(s)) throw new UsageError(`--only: unknown source "${s}"; sources are ${SOURCES.join(', ')}`);
  const bar = values.quiet ? null : progressBar();
  const controller = new AbortController();
  let interrupted = 0;
  process.on('SIGINT', () => {
    if (++interrupted > 1) process.exit(130);
    controller.abort();
  });
  process.on('SIGTERM', () => controller.abort());

  const opts: RunOptions = {
    url: values.url.replace(/\/$/, ''),
    tokens: parseIngestTokens(process.env.INGEST_TOKENS),
    seed: values.seed,
    scenarios: parseScenarios(values.scenario),
    ...(only ? { only } : {}),
    signal: controller.signal,
    ...(bar ? { onProgress: (p) => bar.update(p) } : {}),
    onRetry: retryReporter(),
    onRejected: (source, rejected) => {
      for (const r of rejected.slice(0, 3))
        console.error(`\nrejected (${source}) ${r.id ?? `#${r.index}`}: ${r.errors.map((e) => `${e.path} ${e.message}`).join('; ')}`);
    },
  };

  let result: RunResult;
  if (mode === 'replay') {
    if (!values.date) throw new UsageError('replay needs --date YYYY-MM-DD');
    const speed = values.speed === 'max' ? 'max' : Number(values.speed);
    if (speed !== 'max' && !(speed > 0)) throw new UsageError(`--speed must be a positive number or max, not "${values.speed}"`);
    result = await runReplay({ ...opts, date: values.date, speed });
  } else if (mode === 'backfill') {
    result = await runBackfill({ ...opts, days: Number(values.days) });
  } else {
    const calendar = loadMockCalendar();
    if (!values.open && !centerOpenAt(calendar, Date.now())) {
      console.error(
        `the centers are closed now (${calendar.isWorkday(dayIndexOf(Date.now())) ? 'outside office hours 08:30-12:00, 14:00-17:30' : 'a weekend or holiday'}): the hall stays empty until they open. Use --open to simulate office hours now.`,
      );
    }
    console.error(`live: sending to ${opts.url}; Ctrl-C stops`);
    result = await runLive({ ...opts, calendar, open: values.open });
  }
  bar?.done();
  console.log(summary(result));
  return 0;
}

class UsageError extends Error {
  override name = 'UsageError';
}

/** Reports retries at most every 5 s, so a hub that is down does not flood the terminal. */
function retryReporter(): NonNullable<RunOptions['onRetry']> {
  let last = 0;
  return (source, attempt, reason, delayMs) => {
    if (Date.now() - last < 5000) return;
    last = Date.now();
    console.error(`\nhub not taking events (${source}: ${reason}); retrying in ${(delayMs / 1000).toFixed(1)} s (attempt ${attempt}); nothing is dropped`);
  };
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    const e = err as Error;
    const known = [
      'UsageError',
      'RunRangeError',
      'TokensError',
      'UnknownScenarioError',
      'HubUnreachableError',
      'IngestAuthError',
      'IngestRefusedError',
      'ConfigError',
    ];
    const usage = e.name === 'UsageError' || String((e as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS');
    console.error(`\nmock: ${known.includes(e.name) || usage ? e.message : (e.stack ?? e.message)}`);
    process.exit(usage ? 64 : 1);
  },
);
