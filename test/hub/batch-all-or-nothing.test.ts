import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dayIndexOf } from '../../common/time.ts';
import type { Hub } from '../../server/hub.ts';
import { readDeadLetters } from '../../server/aggregate/dead-letters.ts';
import { COUNTERS } from '../../server/redis/counter-fields.ts';
import { ensurePrivateRedis } from '../../server/redis/private-redis.ts';
import { CounterModel, cityMinusCenters, plain, readCounters } from '../helpers/counter-model.ts';
import { ev } from '../helpers/events.ts';
import { TODAY, at, dayFromToday, fixedClock } from '../helpers/test-clock.ts';
import { drained, getJson, postEvents, startTestHub, testPrefix, type TOKENS, startHubPair } from '../helpers/test-hub.ts';

type Source = keyof typeof TOKENS;
const now = fixedClock('12:00');

// Times of events: today before the hub's 12:00, the two days before, and the oldest day still taken.
const dates = [TODAY, dayFromToday(-1), dayFromToday(-2), dayFromToday(-34)];
const time = fc
  .tuple(fc.constantFrom(...dates), fc.integer({ min: 0, max: 12 * 3600 - 1 }))
  .map(([date, s]) =>
    at(`${String(Math.floor(s / 3600)).padStart(2, '0')}:${String(Math.floor(s / 60) % 60).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`, date),
  );
// Amounts at and beyond the contract's edges: 0, a fen, half a fen, the maximum (1e10 yuan) and
// just above it, the old maximum (1e12), huge, negative, the smallest double.
const amount = fc.oneof(
  { weight: 3, arbitrary: fc.double({ min: 0, max: 1e10, noNaN: true }) },
  { weight: 2, arbitrary: fc.constantFrom(0, 0.01, 0.005, 1e10, 1e10 + 0.01, 9_999_999_999.99, 1e12, 1e300, -0.01, Number.MAX_SAFE_INTEGER, 5e-324) },
);
// Ids that repeat now and then within and across batches, and some at the length limit and past it.
const id = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 0, max: 100_000 }).map((n) => `ev-${n}`) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 30 }).map((n) => `often-${n}`) },
  { weight: 1, arbitrary: fc.constantFrom('x'.repeat(128), '𠮷'.repeat(32), 'x'.repeat(129)) },
);
const centers = ['yiyang', 'heshan', 'anhua'] as const;
const center = fc.constantFrom(...centers);

const eventOf: Record<Source, fc.Arbitrary<Record<string, unknown>>> = {
  portal: fc
    .record({ at: time, center, visitor: fc.string({ minLength: 1, maxLength: 8 }), column: fc.constantFrom('动态信息', '市长热线') })
    .map((e) => ({ ...ev.hit(e.at, e.visitor, e.column), center: e.center })),
  trade: fc
    .record({ at: time, center, amount, category: fc.constantFrom('land', 'procurement') })
    .map((e) => ({ ...ev.trade(e.at, e.amount, e.category), center: e.center })),
  fee: fc.record({ at: time, center, amount }).map((e) => ({ ...ev.fee(e.at, e.amount), center: e.center, item: `${e.center}.realestate.transfer` })),
  rating: fc
    .record({ at: time, center, score: fc.integer({ min: 0, max: 6 }) })
    .map((e) => ({ ...ev.rating(e.at, e.score, `${e.center}.w001`, `${e.center}.realestate`), center: e.center })),
  complaint: fc
    .record({ at: time, center, type: fc.constantFrom('complaint.filed', 'complaint.closed') })
    .map((e) => ({ at: e.at, source: 'complaint', center: e.center, type: e.type, complaint: 'C1', dept: `${e.center}.realestate`, channel: '12345' })),
  // ticket numbers are never issued twice here (the model counts issues, not a ticket's later life)
  queue: fc.record({ at: time, center }).map((e) => ({ ...ev.issued(e.at, `T${crypto.randomUUID()}`, `${e.center}.realestate`), center: e.center })),
  cases: fc.constant({}),
  window: fc.constant({}),
};
// batches of a few events, and now and then one at the limit of 1,000
const batchOf = (source: Source) => {
  const event = fc.tuple(id, eventOf[source]).map(([i, e]): Record<string, unknown> => ({ ...e, id: i }));
  return fc.oneof(
    { weight: 5, arbitrary: fc.array(event, { minLength: 1, maxLength: 60, size: 'max' }) },
    { weight: 1, arbitrary: fc.array(event, { minLength: 1000, maxLength: 1000 }) },
  );
};
const sendable: Source[] = ['portal', 'trade', 'fee', 'rating', 'complaint', 'queue'];
const batch = fc.constantFrom(...sendable).chain((source) => fc.record({ source: fc.constant(source), events: batchOf(source), backlog: fc.boolean() }));

// Records as a bug or an old version might have left them in the log: each must go whole to the
// dead-letter stream (no counter moved), where before some failed halfway through the script.
const poisonRecords = (ms: number) => {
  const base = { day: dayIndexOf(ms), hh: '10', mm: '0600', ms, month: TODAY.slice(0, 7), scopes: ['center:yiyang', 'city'] };
  const trade = { ...base, t: 'trade.closed', e: ev.trade(at('10:00'), 1) };
  return [
    { ...trade, fen: 1e17 },
    { ...trade, fen: 1.5 },
    { ...trade, fen: '100' },
    { ...base, t: 'portal.hit', e: { ...ev.hit(at('10:00'), 'v'), visitor: undefined } },
    { ...base, t: 'portal.hit', scopes: [], e: ev.hit(at('10:00'), 'v') },
    { ...base, t: 'case.accepted', e: { ...ev.accepted(at('10:00'), 'P1', 1), promisedDays: 1e9 } },
    { ...base, ms: 1.5, t: 'portal.hit', e: ev.hit(at('10:00'), 'v') },
  ]
    .map((r) => JSON.stringify(r))
    .concat('{"t": "portal.hit"');
};

describe('a batch is applied completely or not at all, and its answer says which', () => {
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

  it('counts exactly what the answers say was taken, whichever script applies it, and the city is the sum of its centers', async () => {
    const model = new CounterModel(now());
    const taken = new Set<string>();
    let poisoned = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(batch, { minLength: 1, maxLength: 4 }), fc.boolean(), async (batches, poison) => {
        for (const b of batches) {
          const events = b.events;
          const res = await postEvents(b.backlog ? ingestOnly : hub, b.source, events);
          expect(res.status).toBe(202);
          const rejected = new Set<number>(res.body.rejected.map((r: { index: number }) => r.index));
          for (const r of res.body.rejected) expect(r.errors[0].path).toBeTruthy();
          let accepted = 0;
          let duplicates = 0;
          events.forEach((e, index) => {
            if (rejected.has(index)) return;
            const key = `${dayIndexOf(Date.parse(String(e.at)))}|${String(e.id)}`;
            if (taken.has(key)) {
              duplicates++;
              return;
            }
            taken.add(key);
            accepted++;
            model.take(e);
          });
          expect({ accepted: res.body.accepted, duplicates: res.body.duplicates }).toEqual({ accepted, duplicates });
        }
        if (poison) {
          for (const record of poisonRecords(Date.parse(at('10:00')))) await hub.redis.xadd(hub.keys.stream, '*', 'r', record);
          poisoned += poisonRecords(0).length;
        }
        await drained(hub);
        const counters = await readCounters(hub.redis, prefix);
        expect(plain(counters)).toEqual(plain(model.counters));
        expect(cityMinusCenters(counters)).toEqual({});
        expect((await readDeadLetters(hub.redis, hub.keys)).total).toBe(poisoned);
      }),
      { numRuns: 25 },
    );
  });
});

describe('amounts', () => {
  let hub: Hub;
  let ingestOnly: Hub;
  const prefix = testPrefix();
  const date = dayFromToday(-1);
  const trades = (n: number, amount: number, time = '10:00') => Array.from({ length: n }, () => ev.trade(at(time, date), amount));
  const snapshot = async (scope: string) => (await getJson(hub, `/api/v1/snapshot?scope=${scope}&date=${date}`)).trades;
  beforeAll(async () => {
    hub = await startTestHub(prefix, { now });
    ingestOnly = await startTestHub(prefix, { now, env: { AGGREGATOR: 'off' } });
  });
  afterAll(async () => {
    await ingestOnly.stop();
    await hub.stop();
  });

  it('refuses an amount above the contract maximum naming the field, and takes nothing of it', async () => {
    const res = await postEvents(hub, 'trade', trades(1000, 1e12));
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ accepted: 0, duplicates: 0 });
    expect(res.body.rejected).toHaveLength(1000);
    expect(res.body.rejected[0].errors).toEqual([{ path: 'amount', message: 'must be at most 10000000000 yuan (100亿元)' }]);
    expect(await hub.redis.xlen(hub.keys.stream)).toBe(0);
    expect((await snapshot('city')).count).toBe(0);
  });

  it('sums 9,007 maximal amounts in a day exactly, and refuses the event that would pass 2^53 - 1 fen, in the answer or, behind a backlog, in the dead-letter stream', async () => {
    for (let i = 0; i < 9; i++) expect((await postEvents(hub, 'trade', trades(1000, 1e10))).body).toMatchObject({ accepted: 1000, rejected: [] });
    const last = trades(1000, 1e10);
    const res = await postEvents(hub, 'trade', last);
    // 9,007 × 10^12 fen fits below 2^53 (9,007,199,254,740,992); the 9,008th would not
    expect(res.body).toMatchObject({ accepted: 7, duplicates: 0 });
    expect(res.body.rejected).toHaveLength(993);
    expect(res.body.rejected[0]).toMatchObject({
      index: 7,
      id: last[7]!.id,
      errors: [{ path: 'amount', message: expect.stringMatching(/^would take the day's sum of trades in center:yiyang past 2\^53 - 1 fen/) }],
    });
    for (const scope of ['city', 'center:yiyang']) expect(await snapshot(scope)).toMatchObject({ count: 9007, amount: 9007e10 });
    expect(await hub.redis.hget(hub.keys.day('city', dayIndexOf(Date.parse(at('10:00', date)))), COUNTERS.tradesFen)).toBe('9007000000000000');

    // refused, not seen: the same events sent again are refused again, not called repeats
    expect((await postEvents(hub, 'trade', last.slice(7, 17))).body).toMatchObject({ accepted: 0, duplicates: 0 });
    // another center has its own sums (the city's are full: it is refused there)
    expect((await postEvents(hub, 'trade', [{ ...ev.trade(at('10:00', date), 1e10), center: 'heshan' }])).body.rejected[0].errors[0].message).toMatch(
      /^would take the day's sum of trades in city past/,
    );

    // behind a backlog the append script only appends; the aggregator refuses the event whole
    const late = ev.trade(at('11:00', date), 1e10);
    expect((await postEvents(ingestOnly, 'trade', [late, ev.trade(at('11:00', date), 0.01)])).body).toMatchObject({ accepted: 2 });
    await drained(hub);
    const dead = await readDeadLetters(hub.redis, hub.keys);
    expect(dead.total).toBe(1);
    expect(dead.items[0]!.error).toMatch(/^amount: would take the day's sum of trades in center:yiyang past 2\^53 - 1 fen/);
    expect(dead.items[0]!.record).toContain(late.id);
    // a fen still fits (the sums are 9,007,000,000,000,000 + 1 fen)
    for (const scope of ['city', 'center:yiyang']) expect(await snapshot(scope)).toMatchObject({ count: 9008, amount: 9007e10 + 0.01 });
  });
});

describe('an event the script fails on halfway', () => {
  it("is left out whole, named in the answer without the script's text, and the rest of the batch is applied", async () => {
    const hub = await startTestHub(testPrefix(), { now });
    try {
      // a case whose stored outcome is damaged: taking it back fails after its acceptance was taken back
      const damaged = {
        a: { day: dayIndexOf(Date.parse(at('09:00'))), hh: '09', mm: '0540' },
        s: 'dept:yiyang.market,center:yiyang,city',
        c: { how: 'done', day: 'x' },
      };
      await hub.redis.hset(`${hub.keys.prefix}case:yiyang:D1`, 'ev', '[]', 'out', JSON.stringify(damaged), 'status', 'closed');
      const batch = [
        ev.accepted(at('09:00'), 'D0', 3, 'yiyang.market', 'yiyang.market.food'),
        ev.completed(at('10:00'), 'D1'),
        ev.completed(at('10:00'), 'D0'),
      ];
      const res = await postEvents(hub, 'cases', batch);
      expect(res.status).toBe(202);
      expect(res.body).toMatchObject({
        accepted: 2,
        duplicates: 0,
        rejected: [{ index: 1, id: batch[1]!.id, errors: [{ path: '(event)', message: 'cannot be applied (a fault of the hub, logged there)' }] }],
      });
      const cases = (await getJson(hub, '/api/v1/snapshot?scope=dept:yiyang.market')).cases;
      // D0 accepted and completed; nothing of D1 (its damaged acceptance was not taken back)
      expect(cases).toMatchObject({ accepted: 1, completed: 1, completedEarly: 1, inProgress: 0 });
      expect(await hub.redis.hget(hub.keys.day('city', dayIndexOf(now())), COUNTERS.accepted)).toBe('1');
      expect(await hub.redis.xlen(hub.keys.stream)).toBe(2);
    } finally {
      await hub.stop();
    }
  });
});

describe('Redis refusing writes', () => {
  it('answers 503 "nothing of this batch was taken" when Redis is out of memory, and it is true', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yg-oom-'));
    const redis = await ensurePrivateRedis({ dir, maxmemoryBytes: 0 });
    const admin = new Redis({ path: redis.socketPath });
    const hub = await startTestHub(testPrefix(), { now, redisTarget: { kind: 'socket', path: redis.socketPath } });
    try {
      const batch = Array.from({ length: 100 }, (_, i) => ev.trade(at('10:00'), i + 0.01));
      expect((await postEvents(hub, 'trade', batch.slice(0, 50))).body).toMatchObject({ accepted: 50 });
      const before = await readCounters(hub.redis, hub.keys.prefix);
      // noeviction at its limit: Redis refuses a script's first write, then lets a script that wrote finish
      await admin.config('SET', 'maxmemory', '1');
      const refused = await postEvents(hub, 'trade', batch);
      expect(refused.status).toBe(503);
      expect(refused.body.error).toMatch(/nothing of this batch was taken/);
      expect(await hub.redis.xlen(hub.keys.stream)).toBe(50);
      expect(plain(await readCounters(hub.redis, hub.keys.prefix))).toEqual(plain(before));

      await admin.config('SET', 'maxmemory', '0');
      expect((await postEvents(hub, 'trade', batch)).body).toMatchObject({ accepted: 50, duplicates: 50 });
      expect((await getJson(hub, '/api/v1/snapshot?scope=center:yiyang')).trades).toMatchObject({ count: 100, amount: 4950 + 1 });
    } finally {
      await hub.stop();
      admin.disconnect();
      await redis.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
