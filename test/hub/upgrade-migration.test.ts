/**
 * Upgrading from release fbf306d (docs/deploy.md, "Upgrading"): Redis is written by that release's
 * own Lua (test/helpers/release-fbf306d.ts) — cases open, suspended, completed and completed before
 * their acceptance, in two centers, a case number that looks like `<center>:<case>`, red cards of
 * overdue cases, a review, a review older than 180 days, a legacy ingest token — then a hub of this
 * release starts on that prefix and migrates it (server/redis/migrations/). The same events sent to
 * a hub of this release from the start (the reference) must give the same figures, open-case sets,
 * alerts and timers once the cases go on after the upgrade; a second run changes nothing; hubs
 * starting together migrate once; `npm run admin -- migrate --dry-run` changes nothing.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Scope } from '../../common/catalog.ts';
import type { YgEvent } from '../../common/events.ts';
import { dateOfDayIndex, dayIndexOfDate } from '../../common/time.ts';
import { loadAlertConfig } from '../../server/alerts/alert-config.ts';
import { loadCalendar } from '../../server/catalog/load-calendar.ts';
import { loadCatalog } from '../../server/catalog/load-catalog.ts';
import type { Hub } from '../../server/hub.ts';
import { createLogger } from '../../server/observability/logger.ts';
import { redisKeys } from '../../server/redis/keys.ts';
import { runMigrations, SCHEMA_VERSION, type MigrationRun } from '../../server/redis/migrations/run-migrations.ts';
import { alertsDrained, allAlerts, settle, startAlertHub, TestClock } from '../alerts/alert-hub.ts';
import { ev } from '../helpers/events.ts';
import { oldOpsOfEvent, oldRelease } from '../helpers/release-fbf306d.ts';
import { at, findDay, kindOfDay, testCalendar } from '../helpers/test-clock.ts';
import { drained, getJson, postEvents, redisPort, testConfig, testPrefix, testRedis } from '../helpers/test-hub.ts';

const DAY_MS = 86_400_000;
const config = testConfig('unused:');
const catalog = loadCatalog(config.catalogDir);
const calendar = loadCalendar(config.holidaysFile);
const alertConfig = loadAlertConfig(config.alertsFile, catalog);
const quiet = { info: () => undefined, warn: () => undefined };

// The days: the hub's today is the last working day on or before the test's today; the cases were
// accepted six working days before it.
const NOW_DAY = dayIndexOfDate(findDay(kindOfDay.workday));
const workdayBefore = (day: number, n: number) => {
  let d = day;
  for (let i = 0; i < n; i++)
    do d -= 1;
    while (!testCalendar.isWorkday(d));
  return d;
};
const [ACC, W5, W2] = [6, 5, 2].map((n) => dateOfDayIndex(workdayBefore(NOW_DAY, n))) as [string, string, string];
const TODAY = dateOfDayIndex(NOW_DAY);
const NOW = Date.parse(at('16:00', TODAY));

const market = (time: string, date: string, caseNo: string, days: number) => ev.accepted(at(time, date), caseNo, days, 'yiyang.market', 'yiyang.market.food');
const heshan = <T extends object>(e: T) => ({ ...e, center: 'heshan' as const });
const asEvents = (list: object[]) => list as YgEvent[];

// Before the upgrade (written by fbf306d)
const casesBefore = asEvents([
  market('09:00', ACC, 'A', 1), // due W5: overdue now, its red card open
  market('09:10', ACC, 'B', 10), // suspended below
  market('09:20', ACC, 'C', 30), // open, due far ahead: its yellow and red timers armed
  market('09:30', ACC, 'D', 5), // completed below
  heshan(ev.accepted(at('09:40', ACC), 'H', 2, 'heshan.realestate', 'heshan.realestate.transfer')), // heshan, overdue, red card
  market('09:50', ACC, 'yiyang:77', 20), // a case number that looks like <center>:<case>
  ev.suspended(at('10:00', W5), 'B'),
  ev.completed(at('11:00', W5), 'D'),
  ev.completed(at('12:00', W5), 'E'), // before its acceptance
]);
const review = ev.rating(at('14:00', W5), 1);
/** A review nobody resolved, opened 181 days before the upgrade. */
const oldReview = ev.rating(at('10:00', dateOfDayIndex(NOW_DAY - 181)), 2);
// After the upgrade (sent to this release)
const casesAfter = asEvents([
  ev.completed(at('10:00', TODAY), 'A'),
  ev.resumed(at('09:00', W2), 'B'),
  ev.completed(at('10:30', TODAY), 'B'),
  ev.completed(at('11:00', TODAY), 'D'), // a repeat
  market('08:00', W5, 'E', 3), // the acceptance of the completion above
  heshan(ev.completed(at('11:30', TODAY), 'H')),
  market('09:00', TODAY, 'N', 3), // a new case
]);

const SCOPES = ['city', 'center:yiyang', 'center:heshan', 'dept:yiyang.market', 'dept:heshan.realestate'];
const DATES = [ACC, W5, W2, TODAY];

async function scan(redis: Redis, pattern: string): Promise<string[]> {
  const out: string[] = [];
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    out.push(...found);
  } while (cursor !== '0');
  return out.sort();
}

/** Everything under a prefix, by key: content and whether it expires. */
async function dump(redis: Redis, prefix: string): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const key of await scan(redis, `${prefix}*`)) {
    const type = await redis.type(key);
    const ttl = (await redis.pttl(key)) > 0 ? 'expires' : 'kept';
    const content =
      type === 'hash'
        ? await redis.hgetall(key)
        : type === 'zset'
          ? await redis.zrange(key, 0, -1, 'WITHSCORES')
          : type === 'set'
            ? (await redis.smembers(key)).sort()
            : type === 'list'
              ? await redis.lrange(key, 0, -1)
              : type === 'stream'
                ? await redis.xrange(key, '-', '+')
                : (await redis.getBuffer(key))?.toString('base64');
    out[key.slice(prefix.length)] = { type, ttl, content };
  }
  return out;
}

/** What a hub shows of the cases and alerts: figures, gauges, open-case sets, records, alerts, timers. */
async function view(hub: Hub, leaveOut: (subject: string) => boolean) {
  const { keys } = hub;
  const redis = hub.redis as unknown as Redis;
  const figures: Record<string, unknown> = {};
  for (const scope of SCOPES) {
    for (const date of DATES) {
      const s = await getJson(hub, `/api/v1/snapshot?scope=${scope}&date=${date}`);
      // alerts.raised…: the day's tally of cards raised, which the old review's escalation adds to
      figures[`${scope} ${date}`] = { cases: s.cases, ratings: s.ratings, alerts: { open: s.alerts.open, yellow: s.alerts.yellow, red: s.alerts.red } };
    }
    figures[`gauge ${scope}`] = await redis.hgetall(keys.gauge(scope as Scope));
    figures[`open ${scope}`] = await redis.zrange(keys.openCases(scope as Scope), 0, -1, 'WITHSCORES');
    figures[`alert counts ${scope}`] = await redis.hgetall(keys.alertCounts(scope as Scope));
  }
  const cases: Record<string, unknown> = {};
  for (const key of await scan(redis, `${keys.prefix}case:*`)) {
    const [status, due] = await redis.hmget(key, 'status', 'due');
    cases[key.slice(keys.prefix.length)] = { status, due };
  }
  const alertCases = (await scan(redis, `${keys.prefix}alerts:case:*`)).map((k) => k.slice(keys.prefix.length));
  const alerts = await allAlerts(hub);
  const subjectOf = new Map(alerts.map((a) => [a.id, a.subject]));
  const shown = alerts
    .filter((a) => !leaveOut(a.subject))
    .map((a) => ({
      rule: a.rule,
      subject: a.subject,
      state: a.state,
      severity: a.severity,
      level: a.level,
      center: a.center,
      case: a.case ?? null,
      ended: [...a.history].reverse().find((h) => h.action === 'closed')?.reason ?? null,
    }))
    .sort((x, y) => x.subject.localeCompare(y.subject));
  // timers by what they are about: an alert's by its subject, since alert ids may differ
  const flat = await redis.zrange(keys.alertTimers, 0, -1, 'WITHSCORES');
  const timers: string[] = [];
  for (let i = 0; i < flat.length; i += 2) {
    const id = flat[i]!;
    const m = /^(escalate|expire|overdue):(.+)$/.exec(id);
    const about = m ? `${m[1]}:${subjectOf.get(m[2]!) ?? m[2]}` : id;
    if (!leaveOut(about.replace(/^(escalate|expire|overdue):/, ''))) timers.push(`${about} @${flat[i + 1]}`);
  }
  return { figures, cases, alertCases, alerts: shown, timers: timers.sort() };
}

describe('upgrading from release fbf306d', () => {
  const redis = testRedis();
  const M = testPrefix(); // written by fbf306d, then upgraded
  const R = testPrefix(); // the reference: this release from the start
  const keys = redisKeys(M);
  const deps = { catalog, calendar, alertConfig };
  let hub: Hub | null = null;
  let reference: Hub;
  let dryRun: MigrationRun;
  /** C's deadline in the open-case sets before the upgrade */
  const dryRunScores: Record<string, string | null> = {};

  beforeAll(async () => {
    const old = await oldRelease(redis, M, deps);
    await old.ingest('cases', casesBefore, NOW);
    await old.ingest('rating', asEvents([review]), NOW);
    await old.runOps(oldOpsOfEvent(asEvents([oldReview])[0]!, alertConfig, calendar), NOW - 181 * DAY_MS);
    await old.applyAlertLog(NOW);
    await old.fireDue(NOW);
    // not the hub's writing: a record whose center nothing tells, an open-set member with no record,
    // an ingest token rotated before the hub secret existed
    await redis.hset(`${M}case:Z`, 'status', 'open', 'acceptedAt', NOW - 10 * DAY_MS, 'due', NOW_DAY + 10, 'scopes', 'city', 'dept', 'nowhere');
    await redis.zadd(`${M}open:city`, NOW - DAY_MS, 'ghost');
    await redis.hset(keys.ingestTokenStore, 'legacy-src', JSON.stringify({ hash: 'ab'.repeat(32), at: NOW - DAY_MS, by: 'admin' }));

    // this release from the start: each case event taken when it happened, as from a live source,
    // so the case timers fire by the clock as fbf306d's did (a backfill's would wait for their
    // source's watermark: docs/alerts.md#event-time); the engine acts only when the test says
    // (settle), at NOW, when fbf306d fired them and opened the review
    const refClock = new TestClock(new Date(NOW).toISOString());
    reference = await startAlertHub(R, refClock, {}, { tickMs: 3_600_000 });
    for (const event of casesBefore) {
      refClock.t = Date.parse(event.at);
      expect((await postEvents(reference, 'cases', [event])).body.rejected).toEqual([]);
      await drained(reference);
      await alertsDrained(reference);
    }
    refClock.t = NOW;
    expect((await postEvents(reference, 'rating', [review])).body.rejected).toEqual([]);
    await settle(reference);
    expect((await postEvents(reference, 'cases', casesAfter)).body.rejected).toEqual([]);
    await settle(reference);
  });
  afterAll(async () => {
    await hub?.stop();
    await reference?.stop();
    redis.disconnect();
  });

  it('starts from what fbf306d wrote: case keys, open-set members, case state and card subjects without the center', async () => {
    expect(await redis.hget(`${M}case:A`, 'status')).toBe('open');
    expect(await redis.hget(`${M}case:H`, 'scopes')).toBe('dept:heshan.realestate,center:heshan,city');
    expect(await redis.hget(`${M}case:E`, 'status')).toBe('early-close');
    expect(await redis.hget(`${M}case:yiyang:77`, 'status')).toBe('open');
    expect(await redis.zrange(`${M}open:city`, 0, -1)).toEqual(expect.arrayContaining(['A', 'C', 'H', 'yiyang:77', 'ghost']));
    expect(await redis.hget(`${M}alerts:case:C`, 'status')).toBe('open');
    expect(await redis.hget(`${M}alerts:case:E`, 'status')).toBe('done');
    expect(Object.keys(await redis.hgetall(keys.alertActive)).sort()).toEqual(
      ['case-red:A', 'case-red:H', `review:${oldReview.id}`, `review:${review.id}`].sort(),
    );
    expect(await redis.zscore(keys.alertTimers, 'case-yellow:C')).not.toBeNull();
    expect(await redis.exists(keys.schema)).toBe(0);
  });

  it('says in a dry run what it would change, and changes nothing', async () => {
    const before = await dump(redis, M);
    dryRunScores.C = await redis.zscore(`${M}open:dept:yiyang.market`, 'C');
    expect(dryRunScores.C).not.toBeNull();
    dryRun = await runMigrations({ redis, keys, catalog: catalog.catalog, log: quiet, now: () => NOW, dryRun: true });
    expect(await dump(redis, M)).toEqual(before);
    expect(dryRun).toMatchObject({ outcome: 'dry-run', from: 0, legacyIngestTokens: ['legacy-src'] });
    const [cases, alertCases, expiry] = dryRun.steps.map((s) => s.report);
    expect(Object.fromEntries(cases!.changed)).toEqual({
      'case records to move (open)': 4,
      'case records to move (suspended)': 1,
      'case records to move (done)': 1,
      'case records to move (early-close)': 1,
      'open-set members to rename': 12,
      'open-set members naming no case record, to remove': 1,
    });
    expect(cases!.problems).toEqual([expect.stringContaining(`${M}case:Z (open): its center cannot be known`)]);
    expect(Object.fromEntries(alertCases!.changed)).toEqual({
      'alert case records to move (open)': 4,
      'alert case records to move (suspended)': 1,
      'alert case records to move (done)': 2,
      'case timers to rename': 4,
      'unresolved case cards to rename': 2,
    });
    expect(alertCases!.problems).toEqual([]);
    expect(Object.fromEntries(expiry!.changed)).toEqual({
      'unresolved alerts to give their 180-day expiry': 4,
      "unresolved alerts to give their 180-day expiry: already past it, closed `expired` at the alert engine's next tick": 1,
    });
  });

  it('migrates when a hub of this release starts: every case record, member, case state, timer and card named with its center', async () => {
    hub = await startAlertHub(M, new TestClock(new Date(NOW).toISOString()));
    expect(await redis.get(keys.schema)).toBe(String(SCHEMA_VERSION));
    expect(await redis.exists(keys.schemaLock)).toBe(0);
    const moved = await scan(redis, `${M}case:*`);
    expect(moved.map((k) => k.slice(M.length))).toEqual(
      ['case:Z', 'case:heshan:H', ...['A', 'B', 'C', 'D', 'E', 'yiyang:77'].map((c) => `case:yiyang:${c}`)].sort(),
    );
    for (const [key, caseNo] of [
      ['heshan:H', 'H'],
      ['yiyang:A', 'A'],
      ['yiyang:E', 'E'],
      ['yiyang:yiyang:77', 'yiyang:77'],
    ]) {
      expect(await redis.hget(`${M}case:${key}`, 'movedFrom'), key).toBe(caseNo);
    }
    // the completion waiting for its acceptance now expires as this release keeps one (60 days); a closed case keeps its own
    expect(await redis.ttl(`${M}case:yiyang:E`)).toBeGreaterThan(59 * 86400);
    expect(await redis.ttl(`${M}case:yiyang:D`)).toBeGreaterThan(0);
    // each member renamed with its deadline
    expect(await redis.zscore(`${M}open:dept:yiyang.market`, 'yiyang:C')).toBe(dryRunScores.C);
    expect((await redis.zrange(`${M}open:city`, 0, -1)).sort()).toEqual(['heshan:H', 'yiyang:A', 'yiyang:C', 'yiyang:yiyang:77']);
    expect((await scan(redis, `${M}alerts:case:*`)).map((k) => k.slice(M.length + 'alerts:case:'.length))).toEqual([
      'heshan:H',
      'yiyang:A',
      'yiyang:B',
      'yiyang:C',
      'yiyang:D',
      'yiyang:E',
      'yiyang:yiyang:77',
    ]);
    // (the 181-day-old review may already have been closed by the engine's first tick: checked below)
    const active = Object.keys(await redis.hgetall(keys.alertActive)).filter((s) => s !== `review:${oldReview.id}`);
    expect(active.sort()).toEqual(['case-red:heshan:H', 'case-red:yiyang:A', `review:${review.id}`].sort());
    const timers = await redis.hgetall(keys.alertTimerPayloads);
    expect(JSON.parse(timers['case-yellow:yiyang:C']!).spec.subject).toBe('case-yellow:yiyang:C');
    expect(Object.keys(timers).filter((t) => t.startsWith('case-'))).toEqual(expect.arrayContaining(['case-red:yiyang:C', 'case-red:yiyang:yiyang:77']));
    expect(Object.keys(timers).filter((t) => /^case-(red|yellow):(C|A|yiyang:77)$/.test(t))).toEqual([]);
    // the open alerts of before now end within 180 days of opening; the 181-day-old review ended at the engine's first tick
    const alerts = await allAlerts(hub);
    const old = alerts.find((a) => a.subject === `review:${oldReview.id}`)!;
    await settle(hub);
    expect(await hub.alerts.store.get(old.id)).toMatchObject({
      state: 'closed',
      history: expect.arrayContaining([expect.objectContaining({ action: 'closed', reason: 'expired' })]),
    });
    const red = alerts.find((a) => a.subject === 'case-red:yiyang:A')!;
    expect(await redis.zscore(keys.alertTimers, `expire:${red.id}`)).toBe(String(red.openedAt + 180 * DAY_MS));
  });

  it('goes on after the upgrade as if this release had counted the cases from the start', async () => {
    expect((await postEvents(hub!, 'cases', casesAfter)).body.rejected).toEqual([]);
    await settle(hub!);
    const leaveOut = (subject: string) => subject === `review:${oldReview.id}`;
    const [upgraded, fresh] = [await view(hub!, leaveOut), await view(reference, leaveOut)];
    expect(upgraded.figures).toEqual(fresh.figures);
    expect(upgraded.alerts).toEqual(fresh.alerts);
    expect(upgraded.timers).toEqual(fresh.timers);
    expect(upgraded.alertCases).toEqual(fresh.alertCases);
    // the same case records, each in the same state, and the one whose center nothing tells left where it was
    expect(upgraded.cases).toEqual({ ...fresh.cases, 'case:Z': { status: 'open', due: String(NOW_DAY + 10) } });
    // and the figures are those of the story: A, B, H completed today (A and H late, B on time after its suspension), D's repeat ignored
    expect((upgraded.figures[`city ${TODAY}`] as { cases: unknown }).cases).toMatchObject({ accepted: 1, completed: 3, completedOnTime: 1, inProgress: 3 });
    expect(await redis.zrange(`${M}open:city`, 0, -1)).toEqual(expect.arrayContaining(['yiyang:C', 'yiyang:N', 'yiyang:yiyang:77']));
    expect(upgraded.alerts.filter((a) => a.rule === 'case-red')).toEqual([
      expect.objectContaining({ subject: 'case-red:heshan:H', state: 'closed', ended: 'case-completed' }),
      expect.objectContaining({ subject: 'case-red:yiyang:A', state: 'closed', ended: 'case-completed' }),
    ]);
    // no member of an open-case set without its case record
    for (const set of await scan(redis, `${M}open:*`)) {
      for (const member of await redis.zrange(set, 0, -1)) expect(await redis.exists(`${M}case:${member}`), `${set} ${member}`).toBe(1);
    }
  });

  it('changes nothing when it runs again, by hand or at the next start', async () => {
    await hub!.stop();
    hub = null;
    const before = await dump(redis, M);
    const again = await runMigrations({ redis, keys, catalog: catalog.catalog, log: quiet, now: () => NOW, again: true });
    expect(again.outcome).toBe('ran');
    expect(again.steps.map((s) => [s.migration.version, Object.fromEntries(s.report.changed)])).toEqual([
      [1, {}],
      [2, {}],
      [3, {}],
    ]);
    expect(again.steps[0]!.report.problems).toEqual([expect.stringContaining(`${M}case:Z (open)`)]);
    expect(await dump(redis, M)).toEqual(before);
    hub = await startAlertHub(M, new TestClock(new Date(NOW).toISOString()));
    await settle(hub);
    await hub.stop();
    hub = null;
    const after = await dump(redis, M);
    for (const key of Object.keys(after)) if (key.startsWith('sio') || key.startsWith('health')) delete after[key];
    for (const key of Object.keys(before)) if (key.startsWith('sio') || key.startsWith('health')) delete before[key];
    expect(after).toEqual(before);
  });
});

describe('several hubs upgrading at once', () => {
  const redis = testRedis();
  const Q = testPrefix();
  const keys = redisKeys(Q);
  afterAll(() => redis.disconnect());

  beforeAll(async () => {
    const old = await oldRelease(redis, Q, { catalog, calendar, alertConfig });
    await old.ingest('cases', asEvents([market('09:00', ACC, 'Q-1', 30), market('09:05', ACC, 'Q-2', 1)]), NOW);
    await old.applyAlertLog(NOW);
    await old.fireDue(NOW);
  });

  it('npm run admin -- migrate --dry-run prints the plan and changes nothing', async () => {
    const before = await dump(redis, Q);
    const { stdout } = await promisify(execFile)('npx', ['tsx', 'scripts/admin.ts', 'migrate', '--dry-run'], {
      env: { ...process.env, REDIS_URL: `redis://127.0.0.1:${redisPort()}`, REDIS_PREFIX: Q, LOG_LEVEL: 'silent' },
    });
    expect(stdout).toContain(`dry run, nothing changed: ${Q}schema is 0; this release reads ${SCHEMA_VERSION}`);
    expect(stdout).toContain('case records to move (open): 2');
    expect(stdout).toContain('unresolved case cards to rename: 1');
    expect(await dump(redis, Q)).toEqual(before);
  }, 60_000);

  it('runs the migrations once, the others waiting for it', async () => {
    const log = createLogger('silent');
    const runs = await Promise.all([1, 2, 3].map(() => runMigrations({ redis, keys, catalog: catalog.catalog, log, now: () => NOW, pollMs: 20 })));
    expect(runs.map((r) => r.outcome).sort()).toEqual(['ran', 'waited', 'waited']);
    expect(runs.find((r) => r.outcome === 'ran')!.steps.map((s) => s.report.changed.get('case records moved (open)') ?? 0)).toEqual([2, 0, 0]);
    expect((await redis.zrange(`${Q}open:city`, 0, -1)).sort()).toEqual(['yiyang:Q-1', 'yiyang:Q-2']);
    expect(await redis.get(keys.schema)).toBe(String(SCHEMA_VERSION));
    expect((await runMigrations({ redis, keys, catalog: catalog.catalog, log, now: () => NOW })).outcome).toBe('current');
  });

  it('moves a record whose center nothing told once an admin writes it', async () => {
    await redis.hset(`${Q}case:Z`, 'status', 'open', 'acceptedAt', NOW - 10 * DAY_MS, 'due', NOW_DAY + 10, 'scopes', 'city');
    await redis.zadd(`${Q}open:city`, NOW + DAY_MS, 'Z');
    const first = await runMigrations({ redis, keys, catalog: catalog.catalog, log: quiet, now: () => NOW, again: true });
    expect(first.steps[0]!.report.problems).toEqual([
      expect.stringContaining(`${Q}case:Z (open): its center cannot be known`),
      expect.stringContaining(`${Q}open:city: member Z belongs to ${Q}case:Z, which was left under its old name`),
    ]);
    await redis.hset(`${Q}case:Z`, 'center', 'nanxian');
    const second = await runMigrations({ redis, keys, catalog: catalog.catalog, log: quiet, now: () => NOW, again: true });
    expect(Object.fromEntries(second.steps[0]!.report.changed)).toEqual({ 'case records moved (open)': 1, 'open-set members renamed': 1 });
    expect(await redis.zscore(`${Q}open:city`, 'nanxian:Z')).toBe(String(NOW + DAY_MS));
    expect(await redis.exists(`${Q}case:Z`)).toBe(0);
  });

  it('sets the version of a prefix with no data at once, walking nothing', async () => {
    const fresh = redisKeys(testPrefix());
    const run = await runMigrations({ redis, keys: fresh, catalog: catalog.catalog, log: quiet, now: () => NOW });
    expect(run).toMatchObject({ outcome: 'ran', from: 0, to: SCHEMA_VERSION, steps: [] });
    expect(await redis.get(fresh.schema)).toBe(String(SCHEMA_VERSION));
    await redis.del(fresh.schema);
  });

  it('refuses data of a newer release', async () => {
    await redis.set(keys.schema, String(SCHEMA_VERSION + 1));
    await expect(runMigrations({ redis, keys, catalog: catalog.catalog, log: quiet, now: () => NOW })).rejects.toThrow(/newer release/);
    await redis.set(keys.schema, String(SCHEMA_VERSION));
  });
});
