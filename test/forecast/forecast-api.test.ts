/**
 * GET /api/v1/forecast through a real hub: a month of identical working days sent through the
 * real ingest and aggregation, and the usual day learned from the hourly counters they left.
 */
import crypto from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dayKindOf } from '../../common/calendar.ts';
import type { Forecast } from '../../common/forecast.ts';
import { dayIndexOfDate, startOfDayMs, toShanghaiIso } from '../../common/time.ts';
import { loadCatalog } from '../../server/catalog/load-catalog.ts';
import type { Hub } from '../../server/hub.ts';
import { getAs, signedIn } from '../cockpit/cockpit-session.ts';
import { TODAY_INDEX, dayFromToday, findDay, fixedClock, kindOfDay, testCalendar } from '../helpers/test-clock.ts';
import { drained, postEvents, startTestHub, testPrefix } from '../helpers/test-hub.ts';

const catalog = loadCatalog(path.resolve('config/catalog')).catalog;
const dept = catalog.departments.find((d) => d.center === 'yiyang' && catalog.items.some((i) => i.dept === d.code))!;
const item = catalog.items.find((i) => i.dept === dept.code)!;
/** Each past working day: tickets issued at 09:xx and 10:xx, cases accepted at 11:xx. */
const PER_DAY = { t9: 4, t10: 2, c11: 3 };
const HISTORY_DAYS = 30;
const HALL_TOKEN = 'hall-screen-token-forecast-1';

describe('the usual day (GET /api/v1/forecast)', () => {
  let hub: Hub;
  let leader: string;
  // the history ends yesterday: the forecast learns from whole days only
  const workday = findDay(kindOfDay.workday, 1, dayFromToday(0));
  const dayOff = findDay(kindOfDay.dayOff, 1, dayFromToday(0));

  beforeAll(async () => {
    hub = await startTestHub(testPrefix(), { now: fixedClock('07:00'), env: { SCREEN_TOKENS: `hall=${HALL_TOKEN}:center:yiyang` } });
    const queue: Record<string, unknown>[] = [];
    const cases: Record<string, unknown>[] = [];
    for (let day = TODAY_INDEX - HISTORY_DAYS; day < TODAY_INDEX; day++) {
      if (!testCalendar.isWorkday(day)) continue;
      const at = (h: number, m: number) => toShanghaiIso(startOfDayMs(day) + (h * 60 + m) * 60_000);
      const ticket = (n: number, h: number, m: number) => ({
        id: crypto.randomUUID(),
        type: 'ticket.issued',
        source: 'queue',
        center: 'yiyang',
        ticket: `${dept.queue}${String(n).padStart(3, '0')}`,
        queue: dept.queue,
        dept: dept.code,
        at: at(h, m),
      });
      for (let i = 0; i < PER_DAY.t9; i++) queue.push(ticket(i + 1, 9, 5 + 10 * i));
      for (let i = 0; i < PER_DAY.t10; i++) queue.push(ticket(PER_DAY.t9 + i + 1, 10, 5 + 10 * i));
      for (let i = 0; i < PER_DAY.c11; i++)
        cases.push({
          id: crypto.randomUUID(),
          type: 'case.accepted',
          source: 'cases',
          center: 'yiyang',
          case: `F-${day}-${i}`,
          item: item.code,
          dept: dept.code,
          promisedDays: item.promisedDays,
          at: at(11, 5 + 10 * i),
        });
    }
    for (const [source, events] of [
      ['queue', queue],
      ['cases', cases],
    ] as const) {
      const { status, body } = await postEvents(hub, source, events);
      expect(status, JSON.stringify(body)).toBe(202);
      expect((body as { rejected?: unknown[] }).rejected ?? []).toEqual([]);
    }
    await drained(hub, 30_000);
    leader = await signedIn(hub, 'forecast-leader', 'leader');
  }, 60_000);
  afterAll(async () => {
    await hub?.stop();
  });

  const get = async (query: string, cookie: string | null = leader) => getAs<Forecast & { field?: string }>(hub, `/api/v1/forecast?${query}`, cookie);

  it('expects of a working day what its kind of day brought, per hour, with the basis', async () => {
    for (const scope of [`dept:${dept.code}`, 'center:yiyang', 'city']) {
      const { status, body } = await get(`scope=${scope}&date=${workday}`);
      expect(status, JSON.stringify(body)).toBe(200);
      expect(body.scope).toBe(scope);
      expect(body.date).toBe(workday);
      expect(body.metric).toBe('tickets');
      expect(body.points).toHaveLength(24);
      expect(body.points[0]!.t).toBe(toShanghaiIso(startOfDayMs(dayIndexOfDate(workday))));
      const expected = body.points.map((p) => p.expected);
      expect(expected[9]).toBe(PER_DAY.t9);
      expect(expected[10]).toBe(PER_DAY.t10);
      expect(expected.filter((_, h) => h !== 9 && h !== 10).every((e) => e === 0)).toBe(true);
      // every past day was the same: the band is the counting noise only, around the expectation
      expect(body.points[9]!.low).toBeLessThan(PER_DAY.t9);
      expect(body.points[9]!.high).toBeGreaterThan(PER_DAY.t9);
      expect(body.basis.kind).toBe(dayKindOf(testCalendar, dayIndexOfDate(workday)));
      expect(body.basis.count).toBe(body.basis.dates.length);
      expect(body.basis.count).toBeGreaterThan(0);
      expect(body.basis.level).toBe(PER_DAY.t9 + PER_DAY.t10);
      for (const d of body.basis.dates) expect(d < dayFromToday(0)).toBe(true);
    }
    const cases = await get(`scope=dept:${dept.code}&date=${workday}&metric=cases`);
    expect(cases.status).toBe(200);
    expect(cases.body.metric).toBe('cases');
    expect(cases.body.points[11]!.expected).toBe(PER_DAY.c11);
    expect(cases.body.points[9]!.expected).toBe(0);
  });

  it('expects nothing of a day off, where nothing was ever counted', async () => {
    const { status, body } = await get(`scope=city&date=${dayOff}`);
    expect(status).toBe(200);
    expect(body.basis.kind).toBe('closed');
    expect(body.points.every((p) => p.expected === 0 && p.high === 0)).toBe(true);
  });

  it('lets supervisors read their departments only, and nobody without a sign-in', async () => {
    const supervisor = await signedIn(hub, 'forecast-supervisor', 'supervisor', [dept.code]);
    expect((await get(`scope=dept:${dept.code}&date=${workday}`, supervisor)).status).toBe(200);
    const city = await get('scope=city', supervisor);
    expect(city.status).toBe(403);
    expect(city.body.field).toBe('scope');
    expect((await get('scope=city', null)).status).toBe(401);
    // a wall screen's token reads the hall's figures, not what the center expects of its day
    const screen = await fetch(`${hub.url}/api/v1/forecast?scope=center:yiyang&token=${HALL_TOKEN}`, { headers: { authorization: `Bearer ${HALL_TOKEN}` } });
    expect(screen.status).toBe(401);
    const snapshot = await fetch(`${hub.url}/api/v1/snapshot?scope=center:yiyang`, { headers: { authorization: `Bearer ${HALL_TOKEN}` } });
    expect(snapshot.status).toBe(200);
  });

  it('answers 400 naming the field for a bad metric or a date too far ahead, 404 for an unknown scope', async () => {
    const metric = await get('metric=portal');
    expect(metric.status).toBe(400);
    expect(metric.body.field).toBe('metric');
    const far = await get(`date=${dayFromToday(60)}`);
    expect(far.status).toBe(400);
    expect(far.body.field).toBe('date');
    expect((await get('scope=dept:nowhere')).status).toBe(404);
  });
});
