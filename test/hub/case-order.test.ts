import crypto from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addWorkingDays } from '../../common/calendar.ts';
import { dateOfDayIndex, dayIndexOfDate } from '../../common/time.ts';
import type { Hub } from '../../server/hub.ts';
import { COUNTERS as C, GAUGES } from '../../server/redis/counter-fields.ts';
import { CaseReference, timeOrder, type CaseEvent } from '../helpers/case-reference.ts';
import { at, findDay, fixedClock, kindOfDay, TODAY_INDEX, testCalendar } from '../helpers/test-clock.ts';
import { drained, getJson, postEvents, startTestHub, testPrefix, startHubPair } from '../helpers/test-hub.ts';

const now = fixedClock('12:00');
const NOW = now();
const DAYS_BACK = 20;
const DEPTS = { yiyang: ['yiyang.realestate', 'yiyang.market'], heshan: ['heshan.realestate', 'heshan.market'] } as const;
type Center = keyof typeof DEPTS;

/** A case event as a source sends it. */
function caseEvent(e: CaseEvent): Record<string, unknown> {
  const base = { id: e.id, type: e.type, at: e.at, source: 'cases', center: e.center, case: e.case };
  switch (e.type) {
    case 'case.accepted':
      return { ...base, dept: e.dept, item: 'yiyang.realestate.transfer', promisedDays: e.promisedDays };
    case 'case.suspended':
      return { ...base, reason: '补正' };
    case 'case.returned':
      return { ...base, reason: '材料不全' };
    default:
      return base;
  }
}

// An instant between 08:00 and 11:59 of a day within DAYS_BACK days before today (the hub's clock
// stands at 12:00 today); minutes only, so that events of a case share an instant now and then.
const stamp = (day: number, minute: number) => {
  const d = Math.min(TODAY_INDEX, Math.max(TODAY_INDEX - DAYS_BACK - 3, day));
  return at(`${String(8 + Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`, dateOfDayIndex(d));
};
const step = fc.record({
  type: fc.constantFrom('case.suspended', 'case.resumed', 'case.suspended', 'case.resumed', 'case.completed', 'case.returned', 'case.accepted'),
  days: fc.integer({ min: -3, max: 8 }),
  minute: fc.integer({ min: 0, max: 239 }),
  dept: fc.integer({ min: 0, max: 1 }),
  promisedDays: fc.integer({ min: 0, max: 10 }),
});
/**
 * The events of one case: an acceptance and up to 7 more, some stamped before it. With `closeAfter`,
 * no completion or return is stamped before the first acceptance (the reference's in-progress count
 * is "accepted and not yet closed", which a case closed before it was accepted never is).
 */
const life = (closeAfter: boolean) =>
  fc
    .record({
      center: fc.constantFrom<Center>('yiyang', 'heshan'),
      number: fc.integer({ min: 0, max: 5 }),
      day: fc.integer({ min: TODAY_INDEX - DAYS_BACK, max: TODAY_INDEX }),
      minute: fc.integer({ min: 0, max: 239 }),
      dept: fc.integer({ min: 0, max: 1 }),
      promisedDays: fc.integer({ min: 0, max: 10 }),
      steps: fc.array(step, { maxLength: 7 }),
    })
    .map((l) => {
      // every life is a case of its own (the property's runs add up in the same hubs)
      const caseNo = `K${l.number}-${crypto.randomUUID().slice(0, 8)}`;
      const accepted: CaseEvent = {
        id: `${caseNo}-a`,
        type: 'case.accepted',
        at: stamp(l.day, l.minute),
        center: l.center,
        case: caseNo,
        dept: DEPTS[l.center][l.dept],
        promisedDays: l.promisedDays,
      };
      const events: CaseEvent[] = [accepted];
      l.steps.forEach((s, i) => {
        const closing = s.type === 'case.completed' || s.type === 'case.returned';
        const days = closeAfter && closing ? Math.abs(s.days) : s.days;
        let e: CaseEvent = { id: `${caseNo}-${i}`, type: s.type as CaseEvent['type'], at: stamp(l.day + days, s.minute), center: l.center, case: caseNo };
        if (closeAfter && closing && timeOrder(e, accepted) < 0) e = { ...e, at: accepted.at };
        if (s.type === 'case.accepted') e = { ...e, dept: DEPTS[l.center][s.dept], promisedDays: s.promisedDays };
        events.push(e);
      });
      return events;
    });

/** Lives, every event of them in one random order, cut into batches sent to either hub. */
const arrivals = (closeAfter: boolean) =>
  fc.array(life(closeAfter), { minLength: 1, maxLength: 8 }).chain((lives) => {
    const all = lives.flat();
    return fc.record({
      lives: fc.constant(lives),
      order: fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length }),
      cuts: fc.array(fc.tuple(fc.integer({ min: 1, max: 6 }), fc.boolean()), { minLength: all.length, maxLength: all.length }),
    });
  });

async function send(hubs: [Hub, Hub], events: CaseEvent[], cuts: [number, boolean][]): Promise<void> {
  for (let i = 0, c = 0; i < events.length; c++) {
    const [size, backlog] = cuts[c]!;
    const res = await postEvents(backlog ? hubs[1] : hubs[0], 'cases', events.slice(i, i + size).map(caseEvent));
    expect(res.body.rejected).toEqual([]);
    i += size;
  }
}

const scopes = [
  'city',
  'center:yiyang',
  'center:heshan',
  ...Object.values(DEPTS)
    .flat()
    .map((d) => `dept:${d}`),
];

describe('the events of a case in any order give the figures of time order', () => {
  let hub: Hub;
  let ingestOnly: Hub;
  const prefix = testPrefix();
  let stop: () => Promise<void>;
  beforeAll(async () => {
    ({ hub, ingestOnly, stop } = await startHubPair(prefix, now));
  });
  afterAll(async () => {
    await stop();
  });

  it('counts a completion that arrived before the suspension stamped before it as on time', async () => {
    // accepted on a working day, promised 1 working day, suspended on the due date for 2 working days
    // (the story ends before today, whatever days off lie between: the hub's clock stands at 12:00)
    let A = dayIndexOfDate(findDay(kindOfDay.workday, -1, dateOfDayIndex(TODAY_INDEX - 10)));
    while (addWorkingDays(testCalendar, A, 3) >= TODAY_INDEX) A = dayIndexOfDate(findDay(kindOfDay.workday, -1, dateOfDayIndex(A - 1)));
    const [W1, W3] = [addWorkingDays(testCalendar, A, 1), addWorkingDays(testCalendar, A, 3)];
    const post = async (to: Hub, events: CaseEvent[]) =>
      expect((await postEvents(to, 'cases', events.map(caseEvent))).body).toMatchObject({ accepted: events.length, rejected: [] });
    const e = (type: CaseEvent['type'], day: number, time: string): CaseEvent => ({
      id: crypto.randomUUID(),
      type,
      at: at(time, dateOfDayIndex(day)),
      center: 'yiyang',
      case: 'S1',
      dept: 'yiyang.market',
      promisedDays: 1,
    });
    const snapshot = async () => (await getJson(hub, `/api/v1/snapshot?scope=dept:yiyang.market&date=${dateOfDayIndex(W3)}`)).cases;

    // the parallel sender that carried the suspension and the resumption was late
    await post(hub, [e('case.accepted', A, '09:00'), e('case.completed', W3, '15:00')]);
    expect(await snapshot()).toMatchObject({ completed: 1, completedOnTime: 0, overdue: 1 });
    await post(ingestOnly, [e('case.resumed', W3, '09:00')]);
    await post(hub, [e('case.suspended', W1, '10:00')]);
    await drained(hub);
    // suspended W1 and W2: the due date moves 2 working days, from W1 to W3
    expect(await snapshot()).toMatchObject({ completed: 1, completedOnTime: 1, completedEarly: 0, overdue: 0, onTimeRate: 1 });
  });
});

// The runs of a property add up in the same hubs, and the expectation with them; a failing run ends
// the property (endOnFailure) and is reported as it was, since shrinking would replay into the same hubs.
describe('case figures against the definitions', () => {
  let hubs: [Hub, Hub];
  beforeAll(async () => {
    const prefix = testPrefix();
    hubs = [await startTestHub(prefix, { now }), await startTestHub(prefix, { now, env: { AGGREGATOR: 'off' } })];
  });
  afterAll(async () => {
    await hubs[1].stop();
    await hubs[0].stop();
  });

  it('are those computed from the definitions, for random case lives sent in random order', async () => {
    const reference = new CaseReference(testCalendar);
    const days = Array.from({ length: DAYS_BACK + 4 }, (_, i) => TODAY_INDEX - i);
    await fc.assert(
      fc.asyncProperty(arrivals(true), async ({ lives, order, cuts }) => {
        for (const l of lives) reference.addCase(l);
        await send(hubs, order, cuts);
        await drained(hubs[0]);
        await Promise.all(
          scopes.map(async (scope) => {
            for (const day of days) {
              const got = (await getJson(hubs[0], `/api/v1/snapshot?scope=${scope}&date=${dateOfDayIndex(day)}`)).cases;
              expect({ scope, day: dateOfDayIndex(day), ...got }).toEqual({ scope, day: dateOfDayIndex(day), ...reference.snapshotCases(scope, day, NOW) });
            }
          }),
        );
      }),
      { numRuns: 30, endOnFailure: true },
    );
  }, 120_000);
});

describe('any arrival order leaves Redis as time order does', () => {
  let inOrder: Hub;
  let shuffled: [Hub, Hub];
  beforeAll(async () => {
    inOrder = await startTestHub(testPrefix(), { now });
    const prefix = testPrefix();
    shuffled = [await startTestHub(prefix, { now }), await startTestHub(prefix, { now, env: { AGGREGATOR: 'off' } })];
  });
  afterAll(async () => {
    await shuffled[1].stop();
    await shuffled[0].stop();
    await inOrder.stop();
  });

  /** Every case counter, gauge and open-case set of a hub's prefix, as sorted text. */
  async function caseState(hub: Hub): Promise<string[]> {
    const out: string[] = [];
    const p = hub.redis.pipeline();
    for (const scope of scopes as 'city'[]) {
      for (let day = TODAY_INDEX - DAYS_BACK - 12; day <= TODAY_INDEX; day++) p.hgetall(hub.keys.day(scope, day));
      p.hget(hub.keys.gauge(scope), GAUGES.openCases);
      p.zrange(hub.keys.openCases(scope), 0, -1, 'WITHSCORES');
    }
    const results = (await p.exec())!.map(([err, v]) => {
      if (err) throw err;
      return v;
    });
    let i = 0;
    for (const scope of scopes) {
      for (let day = TODAY_INDEX - DAYS_BACK - 12; day <= TODAY_INDEX; day++) {
        const c = results[i++] as Record<string, string>;
        for (const f of [C.accepted, C.completed, C.completedEarly, C.completedOnTime, C.completedOverdue, C.returned, C.casesNet])
          if (Number(c[f] ?? 0) !== 0) out.push(`${scope} ${day} ${f} ${c[f]}`);
      }
      out.push(`${scope} open ${results[i++] ?? 0}`);
      out.push(`${scope} open-set ${(results[i++] as string[]).join(' ')}`);
    }
    return out.sort();
  }

  it('for any case lives, closings before acceptances and repeats included', async () => {
    await fc.assert(
      fc.asyncProperty(arrivals(false), async ({ lives, order, cuts }) => {
        for (const e of lives.flat().sort(timeOrder)) await postEvents(inOrder, 'cases', [caseEvent(e)]);
        await send(shuffled, order, cuts);
        await drained(shuffled[0]);
        await drained(inOrder);
        expect(await caseState(shuffled[0])).toEqual(await caseState(inOrder));
      }),
      { numRuns: 30, endOnFailure: true },
    );
  }, 120_000);
});
