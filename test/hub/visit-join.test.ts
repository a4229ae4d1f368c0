/**
 * The join key in the aggregates (docs/metrics.md, "Visits and their cases"): the wait of visits
 * that ended in a case and of those that did not, ratings and returns by item, the staff scope;
 * and the figures of a day are the same in every order its events arrive in.
 */
import crypto from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../../server/hub.ts';
import { COUNTERS as C, COUNTER_FAMILIES as F } from '../../server/redis/counter-fields.ts';
import { addUser, api } from '../alerts/alert-hub.ts';
import { at, fixedClock, TODAY_INDEX } from '../helpers/test-clock.ts';
import { postEvents, startTestHub, testPrefix, testRedis } from '../helpers/test-hub.ts';

const now = fixedClock('18:00');
const ITEM = 'yiyang.realestate.transfer';
const DEPT = 'yiyang.realestate';
const WINDOW = 'yiyang.w001';
const STAFF = 's0001';
const HALL_TOKEN = 'hall-screen-token-join';
const WINDOW_TOKEN = 'window-screen-token-join';

type Event = Record<string, unknown> & { id: string; type: string };
let seq = 0;
const uid = () => `${++seq}-${crypto.randomUUID().slice(0, 8)}`;
const base = (source: string, time: string) => ({ id: uid(), at: at(time), source, center: 'yiyang' });

/**
 * One visit that ends in a case (ticket T, case K; waited 10 minutes), rated through its ticket and
 * through its case, and returned; and one visit that does not end in a case (ticket U; waited 5
 * minutes), rated through its ticket. Served by STAFF.
 */
function twoVisits(): { events: Event[]; ticket: string; other: string; caseNo: string } {
  const n = uid();
  const ticket = `A${n}`;
  const other = `B${n}`;
  const caseNo = `K${n}`;
  const events: Event[] = [
    { ...base('queue', '09:00'), type: 'ticket.issued', ticket, queue: 'A', dept: DEPT },
    { ...base('queue', '09:10'), type: 'ticket.called', ticket, window: WINDOW },
    { ...base('window', '09:11'), type: 'ticket.started', ticket, window: WINDOW, staff: STAFF },
    { ...base('cases', '09:29'), type: 'case.accepted', case: caseNo, item: ITEM, dept: DEPT, window: WINDOW, promisedDays: 5, ticket },
    { ...base('window', '09:31'), type: 'ticket.finished', ticket, window: WINDOW, staff: STAFF },
    { ...base('rating', '09:32'), type: 'rating.submitted', window: WINDOW, dept: DEPT, score: 2, staff: STAFF, ticket },
    { ...base('rating', '09:33'), type: 'rating.submitted', window: WINDOW, dept: DEPT, score: 5, staff: STAFF, ticket, case: caseNo },
    { ...base('cases', '11:00'), type: 'case.returned', case: caseNo, reason: '材料不全' },
    { ...base('queue', '10:00'), type: 'ticket.issued', ticket: other, queue: 'A', dept: DEPT },
    { ...base('queue', '10:05'), type: 'ticket.called', ticket: other, window: WINDOW },
    { ...base('window', '10:06'), type: 'ticket.started', ticket: other, window: WINDOW, staff: STAFF },
    { ...base('window', '10:16'), type: 'ticket.finished', ticket: other, window: WINDOW, staff: STAFF },
    { ...base('rating', '10:17'), type: 'rating.submitted', window: WINDOW, dept: DEPT, score: 4, staff: STAFF, ticket: other },
  ];
  return { events, ticket, other, caseNo };
}

const SOURCE_OF: Record<string, 'queue' | 'window' | 'cases' | 'rating'> = { queue: 'queue', window: 'window', cases: 'cases', rating: 'rating' };

/**
 * Sends events in this order: consecutive events of one source go in one batch (applied in its
 * order), also cut at the given points.
 */
async function send(hub: Hub, events: Event[], cuts: number[] = []): Promise<void> {
  const cutAt = new Set(cuts);
  let batch: Event[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const res = await postEvents(hub, SOURCE_OF[batch[0]!.source as string]!, batch);
    expect(res.body?.accepted, JSON.stringify(res.body)).toBe(batch.length);
    batch = [];
  };
  for (const [i, event] of events.entries()) {
    if (batch.length > 0 && (cutAt.has(i) || batch[0]!.source !== event.source)) await flush();
    batch.push(event);
  }
  await flush();
}

const JOIN_FIELDS = [
  C.waitCaseCount,
  C.waitCaseSumSec,
  C.waitNoCaseCount,
  C.waitNoCaseSumSec,
  `${F.ratedOfItem}${ITEM}`,
  `${F.badOfItem}${ITEM}`,
  `${F.acceptedOfItem}${ITEM}`,
  `${F.returnedOfItem}${ITEM}`,
  C.ratings,
  C.finished,
  C.serviceSumSec,
  C.serviceCount,
];

describe('the join key', () => {
  let hub: Hub;
  let prefix: string;
  const redis = testRedis();
  beforeAll(async () => {
    prefix = testPrefix();
    hub = await startTestHub(prefix, {
      now,
      env: { SCREEN_TOKENS: `hall=${HALL_TOKEN}:center:yiyang,w1=${WINDOW_TOKEN}:window:${WINDOW}`, ADMIN_PASSWORD: 'admin-password-join' },
    });
  });
  afterAll(async () => {
    await hub.stop();
    redis.disconnect();
  });

  const fields = async (scope: string) => {
    const h = await redis.hgetall(`${prefix}agg:${scope}:${TODAY_INDEX}`);
    return Object.fromEntries(JOIN_FIELDS.map((f) => [f, Number(h[f] ?? 0)]));
  };
  const diff = (after: Record<string, number>, before: Record<string, number>) =>
    Object.fromEntries(Object.keys(after).map((k) => [k, after[k]! - (before[k] ?? 0)]));

  // What the two visits add to the department's day, whatever the order.
  const EXPECTED_DEPT = {
    [C.waitCaseCount]: 1,
    [C.waitCaseSumSec]: 600,
    [C.waitNoCaseCount]: 1,
    [C.waitNoCaseSumSec]: 300,
    [`${F.ratedOfItem}${ITEM}`]: 2,
    [`${F.badOfItem}${ITEM}`]: 1,
    [`${F.acceptedOfItem}${ITEM}`]: 1,
    [`${F.returnedOfItem}${ITEM}`]: 1,
    [C.ratings]: 3,
    [C.finished]: 2,
    [C.serviceSumSec]: 20 * 60 + 10 * 60,
    [C.serviceCount]: 2,
  };

  it('counts the visits in time order: waits by outcome, ratings and returns by item, the staff', async () => {
    const before = await fields(`dept:${DEPT}`);
    const staffBefore = await fields(`staff:${STAFF}`);
    await send(hub, twoVisits().events);
    expect(diff(await fields(`dept:${DEPT}`), before)).toEqual(EXPECTED_DEPT);
    const staff = diff(await fields(`staff:${STAFF}`), staffBefore);
    expect(staff).toMatchObject({ [C.finished]: 2, [C.serviceSumSec]: 1800, [C.serviceCount]: 2, [C.ratings]: 3, [`${F.ratedOfItem}${ITEM}`]: 2 });
  });

  it('gives the same figures of the day in every order the hub accepts', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.shuffledSubarray([...Array(13).keys()], { minLength: 13, maxLength: 13 }),
        fc.array(fc.nat(13), { maxLength: 3 }),
        async (order, cuts) => {
          const { events } = twoVisits();
          const before = await fields(`dept:${DEPT}`);
          await send(
            hub,
            order.map((i) => events[i]!),
            cuts,
          );
          expect(diff(await fields(`dept:${DEPT}`), before)).toEqual(EXPECTED_DEPT);
        },
      ),
      { numRuns: 20, endOnFailure: true },
    );
  });

  it('moves a finished visit to "ended in a case" when its case comes later the same day', async () => {
    const { events } = twoVisits();
    const accepted = events.find((e) => e.type === 'case.accepted')!;
    const finished = events.filter((e) => e.type !== 'case.accepted');
    const before = await fields(`dept:${DEPT}`);
    await send(hub, finished);
    const mid = diff(await fields(`dept:${DEPT}`), before);
    // before the case: both visits did not end in a case, the case's ratings wait (未关联)
    expect(mid).toMatchObject({ [C.waitCaseCount]: 0, [C.waitNoCaseCount]: 2, [C.waitNoCaseSumSec]: 900, [`${F.ratedOfItem}${ITEM}`]: 0, [C.ratings]: 3 });
    await send(hub, [accepted]);
    expect(diff(await fields(`dept:${DEPT}`), before)).toEqual(EXPECTED_DEPT);
  });

  it('answers the join figures and the staff figures to supervisors of the department and leaders', async () => {
    const supervisor = await addUser(hub, 'sup-realestate', 'supervisor', [DEPT]);
    const otherSupervisor = await addUser(hub, 'sup-market', 'supervisor', ['yiyang.market']);
    const leader = await addUser(hub, 'leader-join', 'leader');

    const visits = await api(hub, 'GET', `/api/v1/visit-figures?scope=dept:${DEPT}`, { cookie: supervisor });
    expect(visits.status).toBe(200);
    expect(visits.body.waits.endedInCase.count).toBeGreaterThan(0);
    expect(visits.body.waits.endedInCase.avgWaitSec).toBe(600);
    expect(visits.body.waits.notEndedInCase.avgWaitSec).toBe(300);
    const item = visits.body.ratingsByItem.find((x: { item: string }) => x.item === ITEM);
    expect(item).toMatchObject({ name: expect.any(String) });
    expect(item.ratings).toBe(item.bad * 2); // each run: a 2-star and a 5-star rating joined to the item
    expect(visits.body.unjoinedRatings).toBeGreaterThan(0);
    expect(visits.body.returnsByItem[0]).toMatchObject({ item: ITEM, returnRate: 1 });

    for (const cookie of [supervisor, leader]) {
      const one = await api(hub, 'GET', `/api/v1/staff/${STAFF}/figures`, { cookie });
      expect(one.status).toBe(200);
      expect(one.body).toMatchObject({ scope: `staff:${STAFF}`, staff: STAFF, name: '苏磊欣', dept: DEPT, avgServiceSec: 900 });
      expect(one.body.served).toBeGreaterThan(0);
      expect(one.body.satisfactionRate).toBeCloseTo(2 / 3, 5);
      const table = await api(hub, 'GET', `/api/v1/staff/figures?dept=${DEPT}`, { cookie });
      expect(table.status).toBe(200);
      expect(table.body.staff.map((s: { staff: string }) => s.staff)).toContain(STAFF);
    }
    expect((await api(hub, 'GET', `/api/v1/staff/${STAFF}/figures`, { cookie: otherSupervisor })).status).toBe(403);
    expect((await api(hub, 'GET', `/api/v1/staff/figures?dept=${DEPT}`, { cookie: otherSupervisor })).status).toBe(403);
    expect((await api(hub, 'GET', `/api/v1/visit-figures?scope=dept:${DEPT}`, { cookie: otherSupervisor })).status).toBe(403);
    expect((await api(hub, 'GET', '/api/v1/staff/nobody/figures', { cookie: leader })).status).toBe(404);
  });

  it('never answers a person to a wall screen, whatever its scope, nor to nobody', async () => {
    const leader = await addUser(hub, 'leader-wall', 'leader');
    for (const token of [HALL_TOKEN, WINDOW_TOKEN]) {
      for (const path of [`/api/v1/staff/${STAFF}/figures`, `/api/v1/staff/figures?dept=${DEPT}`, `/api/v1/visit-figures?scope=dept:${DEPT}`]) {
        expect((await api(hub, 'GET', path, { headers: { authorization: `Bearer ${token}` } })).status, `${token} ${path}`).toBe(403);
        const sep = path.includes('?') ? '&' : '?';
        expect((await api(hub, 'GET', `${path}${sep}token=${token}`)).status, `${token} ${path}`).toBe(403);
        // a wall's token wins over a cookie on the same request
        expect((await api(hub, 'GET', path, { cookie: leader, headers: { authorization: `Bearer ${token}` } })).status).toBe(403);
      }
      // nor through the snapshot: a staff scope is no scope a wall may read
      const snap = await api(hub, 'GET', `/api/v1/snapshot?scope=staff:${STAFF}`, { headers: { authorization: `Bearer ${token}` } });
      expect([403, 404]).toContain(snap.status);
    }
    expect((await api(hub, 'GET', `/api/v1/staff/${STAFF}/figures`)).status).toBe(401);
    // no wall can be given a person's scope
    const admin = await addUser(hub, 'admin-join', 'admin');
    const refused = await api(hub, 'PATCH', '/api/v1/tokens/screen/hall', { cookie: admin, body: { scope: `staff:${STAFF}` } });
    expect(refused.status).toBe(400);
    expect(refused.body.field).toBe('scope');
    // a leader asks for a person through the staff API, not the snapshot (which serves places)
    expect((await api(hub, 'GET', `/api/v1/snapshot?scope=staff:${STAFF}`, { cookie: leader })).status).toBe(404);
  });
});
