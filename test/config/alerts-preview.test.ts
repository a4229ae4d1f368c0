/**
 * The alert-rules preview (POST /api/v1/admin/config/alerts/preview): a kept past day replayed
 * through the real alert engine in scratch keys, with the proposed thresholds and the current ones.
 * Real Redis, a real hub; days relative to the test's today.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertsPreview, PreviewAlert } from '../../common/alerts-preview.ts';
import { createWorkCalendar } from '../../common/calendar.ts';
import { dayIndexOfDate } from '../../common/time.ts';
import { buildAlertConfig, type AlertsSection } from '../../server/alerts/alert-config.ts';
import { countKeysUnder, previewPrefixOf, readDayEvents, replayAlerts } from '../../server/alerts/alert-replay.ts';
import type { Hub } from '../../server/hub.ts';
import { allAlerts, alertsDrained, api, signIn, startAlertHub, STORY_ALERTS_FILE, TestClock, ADMIN_PASSWORD } from '../alerts/alert-hub.ts';
import { ev } from '../helpers/events.ts';
import { at, dayFromToday, instant, midnightOf } from '../helpers/test-clock.ts';
import { drained, postEvents, redisPort, testPrefix } from '../helpers/test-hub.ts';

const DAY = dayFromToday(-1);
// the section the hub runs with (the shipped thresholds; the sources of a one-ticket story never silent)
const current = JSON.parse(fs.readFileSync(STORY_ALERTS_FILE, 'utf8')) as {
  defaults: Record<string, number>;
  departments: Record<string, Record<string, number>>;
} & Record<string, unknown>;
// 15 minutes of wait, for every department (the shipped file gives the real-estate department 40)
const proposed = {
  ...current,
  defaults: { ...current.defaults, ticketWaitMinutes: 15 },
  departments: { ...current.departments, 'yiyang.realestate': { ...current.departments['yiyang.realestate'], ticketWaitMinutes: 15 } },
};

let hub: Hub;
let cookie: string;
const preview = (body: unknown) => api(hub, 'POST', '/api/v1/admin/config/alerts/preview', { cookie, body });

// the day's events, each with its source; a window closes while a ticket waits, and a bad review
const DAY_EVENTS: { source: 'queue' | 'window' | 'rating'; event: { at: string } }[] = [
  // waits 20 minutes: over the proposed 15, under the current 40 of its department
  { source: 'queue', event: ev.issued(at('10:00', DAY), 'A001') },
  { source: 'queue', event: ev.called(at('10:20', DAY), 'A001') },
  { source: 'rating', event: ev.rating(at('10:30', DAY), 1) },
  // called 30 s after the proposed 15 minutes ran out: live, the timer fired first
  { source: 'window', event: ev.windowStatus(at('10:59', DAY), 'closed', 'yiyang.w002') },
  { source: 'queue', event: ev.issued(at('11:00', DAY), 'A002') },
  { source: 'queue', event: ev.called(at('11:15:30', DAY), 'A002') },
  { source: 'window', event: ev.windowStatus(at('11:40', DAY), 'open', 'yiyang.w002') },
  // called a second before: nothing
  { source: 'queue', event: ev.issued(at('12:00', DAY), 'A003') },
  { source: 'queue', event: ev.called(at('12:14:59', DAY), 'A003') },
];

async function post(to: Hub, list: typeof DAY_EVENTS): Promise<void> {
  for (const source of ['queue', 'window', 'rating'] as const) {
    const events = list.filter((e) => e.source === source).map((e) => e.event);
    if (events.length === 0) continue;
    const res = await postEvents(to, source, events);
    expect(res.body.rejected).toEqual([]);
  }
  await drained(to);
  await alertsDrained(to);
}

beforeAll(async () => {
  hub = await startAlertHub(testPrefix(), new TestClock(at('10:00')));
  cookie = await signIn(hub, 'admin', ADMIN_PASSWORD);
  // sent a day late, all at once: a backfill, as far as the live hub can tell
  await post(hub, DAY_EVENTS);
}, 60_000);
afterAll(async () => {
  await hub?.stop();
});

describe('alerts preview', () => {
  it('raises with the proposed rules what the current ones did not, leaving no scratch key and the live alerts as they were', async () => {
    const before = await allAlerts(hub);
    const timersBefore = await hub.redis.zcard(hub.keys.alertTimers);
    const res = await preview({ alerts: proposed, date: DAY });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const body = res.body as AlertsPreview;
    expect(body.date).toBe(DAY);
    expect(body.events).toBe(DAY_EVENTS.length);
    expect(body.current.filter((a) => a.rule === 'wait')).toEqual([]);
    const waits = body.alerts.filter((a) => a.rule === 'wait');
    expect(waits.map((a) => a.subject.split(':').pop())).toEqual(['A001', 'A002']);
    expect(waits[0]).toMatchObject({ severity: 'yellow', center: 'yiyang', dept: 'yiyang.realestate', since: instant('10:00', DAY) });
    // opened when the timer fired, by the day's clock: the replay walked through the day
    expect(waits[0]!.openedAt).toBe(instant('10:15', DAY));
    expect(waits[1]!.openedAt).toBe(instant('11:15', DAY));
    expect(await countKeysUnder(hub.redis, previewPrefixOf(hub.keys))).toBe(0);
    expect(await allAlerts(hub)).toEqual(before);
    expect(await hub.redis.zcard(hub.keys.alertTimers)).toBe(timersBefore);
  }, 60_000);

  it('raises what a hub that was live that day raised with the same rules', async () => {
    const res = await preview({ alerts: proposed, date: DAY });
    expect(res.status).toBe(200);
    // a second hub lives through the day: its clock walks in 30 s steps, each event posted when its time comes
    const clock = new TestClock(at('09:59:30', DAY));
    const live = await startAlertHub(testPrefix(), clock);
    try {
      const admin = await signIn(live, 'admin', ADMIN_PASSWORD);
      expect((await api(live, 'PUT', '/api/v1/admin/config/alerts', { cookie: admin, body: proposed })).status).toBe(200);
      const pending = [...DAY_EVENTS].sort((a, b) => Date.parse(a.event.at) - Date.parse(b.event.at));
      for (const end = instant('12:30', DAY); clock.t <= end; clock.advance(30_000)) {
        const due = pending.filter((e) => Date.parse(e.event.at) <= clock.t);
        pending.splice(0, due.length);
        if (due.length > 0) await post(live, due);
        await live.alerts.engine!.tick();
      }
      const shape = (a: PreviewAlert) => `${a.rule} ${a.subject} since ${a.since} opened ${a.openedAt}`;
      // capacity prompts are not in the preview (docs/alerts.md): they follow the hub's own clock
      const raised = (await allAlerts(live)).filter((a: PreviewAlert) => a.rule !== 'capacity').map(shape);
      expect(raised.length).toBeGreaterThanOrEqual(3);
      expect((res.body as AlertsPreview).alerts.map(shape)).toEqual(raised);
    } finally {
      await live.stop();
    }
  }, 120_000);

  it('runs one preview at a time: another meanwhile is 503', async () => {
    const [a, b] = await Promise.all([preview({ alerts: proposed, date: DAY }), preview({ alerts: proposed, date: DAY })]);
    expect([a.status, b.status].sort()).toEqual([200, 503]);
    expect(await countKeysUnder(hub.redis, previewPrefixOf(hub.keys))).toBe(0);
  });

  it('deletes its scratch keys when a replay fails', async () => {
    const deps = {
      redis: hub.redis,
      redisTarget: { kind: 'url' as const, url: `redis://127.0.0.1:${redisPort()}` },
      keys: hub.keys,
      catalog: hub.catalog,
      calendar: createWorkCalendar(hub.config.current('holidays')),
      log: hub.log,
    };
    const config = buildAlertConfig(proposed as unknown as AlertsSection);
    const events = await readDayEvents(hub.redis, hub.keys, dayIndexOfDate(DAY), Date.parse(at('10:00')));
    expect(events).toHaveLength(DAY_EVENTS.length);
    // past its deadline at the first step: after the scratch log, its groups, the calendar copy and the engine were made
    const failed = replayAlerts(deps, { config, events, from: midnightOf(DAY), until: midnightOf(DAY) + 86_400_000, deadline: Date.now() - 1 });
    await expect(failed).rejects.toThrow(/took too long/);
    expect(await countKeysUnder(hub.redis, previewPrefixOf(hub.keys))).toBe(0);
  });

  it('refuses an invalid section with every issue, and changes nothing', async () => {
    const res = await preview({ alerts: { ...proposed, officeHours: [], defaults: { ...proposed.defaults, ticketWaitMinutes: -1 } }, date: DAY });
    expect(res.status).toBe(400);
    expect(res.body.field).toBe('alerts');
    const paths = (res.body.issues as { path: string }[]).map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['officeHours', 'defaults.ticketWaitMinutes']));
    expect(await countKeysUnder(hub.redis, previewPrefixOf(hub.keys))).toBe(0);
  });

  it('refuses a day the event log no longer keeps, and a future one, naming the days it can preview', async () => {
    const old = await preview({ alerts: proposed, date: dayFromToday(-5) });
    expect(old.status).toBe(400);
    expect(old.body.field).toBe('date');
    expect(old.body.error).toContain(`${dayFromToday(-2)} to ${dayFromToday(0)}`);
    const future = await preview({ alerts: proposed, date: dayFromToday(1) });
    expect(future.status).toBe(400);
    expect(future.body.field).toBe('date');
    const bad = await preview({ alerts: proposed, date: 'yesterday' });
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe('date');
  });

  it('is for admins only', async () => {
    const res = await api(hub, 'POST', '/api/v1/admin/config/alerts/preview', { body: { alerts: proposed, date: DAY } });
    expect(res.status).toBe(401);
    // a page of another site cannot make the admin's browser run one (the same-origin guard)
    const cross = await api(hub, 'POST', '/api/v1/admin/config/alerts/preview', {
      cookie,
      body: { alerts: proposed, date: DAY },
      headers: { origin: 'http://evil.example' },
    });
    expect(cross.status).toBe(403);
  });
});
