/**
 * A change made through one hub takes effect on another hub process sharing the Redis within 2 s,
 * without a restart (docs/admin.md, "Live on every hub"): an alert threshold in the other hub's
 * engine, a new center in its ingest and its cockpit, a new notice in its hall config; and the
 * poll applies a change whose message was lost.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dateOfDayIndex, dayIndexOfDate } from '../../common/time.ts';
import type { Hub } from '../../server/hub.ts';
import { allAlerts, settle, TestClock } from '../alerts/alert-hub.ts';
import { ev } from '../helpers/events.ts';
import { at, findDay, kindOfDay } from '../helpers/test-clock.ts';
import { drained, postEvents, testPrefix } from '../helpers/test-hub.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { adminCookie, api, getSection, putSection, startConfigHub } from './config-hub.ts';

const WORKDAY = dayIndexOfDate(findDay(kindOfDay.workday));
const t = (time: string) => at(time, dateOfDayIndex(WORKDAY));
const clock = new TestClock(t('09:00'));
/** `a` only takes requests (AGGREGATOR=off: no engine); `b` aggregates and runs the alert engine. */
let a: Hub;
let b: Hub;
let adminA: string;
let adminB: string;
const prefix = testPrefix();

beforeAll(async () => {
  b = await startConfigHub(prefix, clock);
  a = await startConfigHub(prefix, clock, { AGGREGATOR: 'off' });
  adminA = await adminCookie(a);
  adminB = await adminCookie(b);
});
afterAll(async () => {
  await a?.stop();
  await b?.stop();
});

/** Waits for `b` to have applied `version` of a section, and answers how long that took after the PUT's answer. */
async function appliedOnB(section: 'alerts' | 'catalog' | 'hall', version: number, since: number): Promise<number> {
  await waitFor(`hub b to apply ${section} v${version}`, () => b.config.version(section) >= version, 2000, 5);
  return Date.now() - since;
}

describe('a change through one hub, on another', () => {
  it("is used by the other hub's alert engine: a lower wait threshold raises the wait alert sooner", async () => {
    const got = await getSection(a, adminA, 'alerts');
    const put = await putSection(a, adminA, 'alerts', { ...got.body, defaults: { ...got.body.defaults, ticketWaitMinutes: 5 } }, got.version!);
    expect(put.status).toBe(200);
    const ms = await appliedOnB('alerts', put.body.version, Date.now());
    expect(ms).toBeLessThan(2000);
    // sent through a, armed by b's engine with b's thresholds
    clock.set(t('09:00'));
    const res = await postEvents(a, 'queue', [ev.issued(t('09:00'), 'G101', 'yiyang.agri')]);
    expect(res.body.rejected).toEqual([]);
    clock.set(t('09:04:59'));
    await settle(b);
    expect((await allAlerts(b)).filter((x) => x.rule === 'wait')).toEqual([]);
    clock.set(t('09:05'));
    await settle(b);
    expect((await allAlerts(b)).filter((x) => x.rule === 'wait').map((x) => x.ticket)).toEqual(['G101']);
  });

  it("lets a new center's events in on the other hub at once, and shows it on that hub's cockpit", async () => {
    clock.set(t('10:00'));
    const event = { ...ev.issued(t('10:00'), 'Y001', 'yuanshan.tax'), center: 'yuanshan' };
    const refused = await postEvents(b, 'queue', [event]);
    expect(refused.body.rejected[0].errors).toContainEqual({ path: 'center', message: expect.stringMatching(/^must be one of yiyang, heshan, .*datonghu$/) });

    const got = await getSection(a, adminA, 'catalog');
    const next = structuredClone(got.body);
    next.centers.push({ code: 'yuanshan', name: '远山区政务服务中心', short: '远山区', level: 'district' });
    next.departments.push({ code: 'yuanshan.tax', center: 'yuanshan', name: '税务窗口', queue: 'S' });
    const put = await putSection(a, adminA, 'catalog', next, got.version!);
    expect(put.status).toBe(200);
    expect(await appliedOnB('catalog', put.body.version, Date.now())).toBeLessThan(2000);

    const accepted = await postEvents(b, 'queue', [{ ...event, id: `${event.id}-2` }]);
    expect(accepted.status).toBe(202);
    expect(accepted.body.rejected).toEqual([]);
    // counted in its own scopes, which the read API knows at once
    await drained(b);
    const snapshot = await api(b, 'GET', `/api/v1/snapshot?scope=center:yuanshan&date=${dateOfDayIndex(WORKDAY)}`, { cookie: adminB });
    expect(snapshot.status).toBe(200);
    expect(snapshot.body.tickets.issued).toBe(1);
    const districts = await api(b, 'GET', '/api/v1/cockpit/districts', { cookie: adminB });
    expect(districts.status).toBe(200);
    expect(districts.body.centers.map((r: { center: string }) => r.center)).toContain('yuanshan');
    expect((await api(b, 'GET', '/api/v1/catalog', { cookie: adminB })).body.centers.map((c: { code: string }) => c.code)).toContain('yuanshan');
  });

  it("shows a new notice in the other hub's hall config", async () => {
    const got = await getSection(a, adminA, 'hall');
    const notice = { tag: '公告', text: `今日新增公告 ${got.version}` };
    const put = await putSection(a, adminA, 'hall', { ...got.body, notices: [notice, ...got.body.notices] }, got.version!);
    expect(put.status).toBe(200);
    const since = Date.now();
    await waitFor(
      'the notice on hub b',
      async () => ((await api(b, 'GET', '/api/v1/screens/hall')).body.notices as unknown[]).some((n) => JSON.stringify(n) === JSON.stringify(notice)),
      2000,
      5,
    );
    expect(Date.now() - since).toBeLessThan(2000);
  });

  it('is applied by the poll when its message is lost', async () => {
    const key = b.keys.configSection('hall');
    const version = b.config.version('hall');
    const current = b.config.current('hall');
    // stored as a hub would, but announced to nobody (as while a subscriber reconnects)
    await b.redis.hset(key, 'json', JSON.stringify({ ...current, notices: [{ tag: '提示', text: '无声的修改' }] }), 'version', version + 1);
    const ms = await appliedOnB('hall', version + 1, Date.now());
    expect(ms).toBeLessThan(2000);
    expect(b.config.current('hall').notices).toEqual([{ tag: '提示', text: '无声的修改' }]);
    await waitFor('hub a too', () => a.config.version('hall') === version + 1, 2000, 5);
  });
});
