/**
 * Portal hits counted two ways give the same figures: by the append script from the batch's digest
 * (server/ingest/portal-hit-digest.ts, its records not decoded), and by the backlog script from the
 * records in the log (server/aggregate/portal-hits.lua, `tally`), which is also how a rebuild counts.
 * And a digest the script cannot read fails the batch before anything is written.
 */
import fc from 'fast-check';
import type { RedisClient } from '../../server/redis/connect.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WATCHED_EVENT_TYPES } from '../../server/alerts/event-ops.ts';
import { loadCatalog } from '../../server/catalog/load-catalog.ts';
import { appendEvents, type AppendOptions } from '../../server/ingest/append-events.ts';
import { validateBatch, type ValidEvent } from '../../server/ingest/validate-batch.ts';
import { redisKeys, type RedisKeys } from '../../server/redis/keys.ts';
import { withScripts, type ScriptCommands } from '../../server/redis/scripts.ts';
import { ev } from '../helpers/events.ts';
import { at, dayFromToday, fixedClock, TODAY } from '../helpers/test-clock.ts';
import { testPrefix, testRedis } from '../helpers/test-hub.ts';

const catalog = loadCatalog('config/catalog');
const now = fixedClock('12:00')();

// hits of three centers in a few minutes of today and yesterday, from a small crowd of visitors,
// under ids that repeat within and across batches (a repeat must be counted once either way)
const hit = fc
  .record({
    id: fc.integer({ min: 0, max: 400 }).map((n) => `hit-${n}`),
    date: fc.constantFrom(TODAY, dayFromToday(-1)),
    time: fc.constantFrom('08:59:59', '09:00:00', '09:00:30', '09:01:00', '11:59:59'),
    center: fc.constantFrom('yiyang', 'heshan', 'anhua'),
    column: fc.constantFrom('动态信息', '市长热线', '公告信息'),
    visitor: fc.integer({ min: 0, max: 30 }).map((n) => `v${n}`),
  })
  .map((h) => ({ ...ev.hit(at(h.time, h.date), h.visitor, h.column), id: h.id, center: h.center }));
// now and then a batch of another source between the hits: trades, or cases accepted
const others = fc.oneof(
  fc.array(
    fc.integer({ min: 1, max: 500 }).map((yuan) => ev.trade(at('09:00:10'), yuan)),
    { minLength: 1, maxLength: 3 },
  ),
  fc.array(
    fc.integer({ min: 0, max: 1e9 }).map((n) => ev.accepted(at('09:00:20'), `K${n}`, 3, 'yiyang.realestate', 'yiyang.realestate.transfer')),
    { minLength: 1, maxLength: 3 },
  ),
);
const batches = fc.array(fc.oneof({ weight: 4, arbitrary: fc.array(hit, { minLength: 1, maxLength: 120 }) }, { weight: 1, arbitrary: others }), {
  minLength: 1,
  maxLength: 5,
});

type Client = RedisClient & ScriptCommands;

function options(applyInline: boolean): AppendOptions {
  return { catalog, dedupeDays: 2, retentionMs: 3 * 86_400_000, now, deadline: Date.now() + 60_000, applyInline, alertEventTypes: WATCHED_EVENT_TYPES };
}

function valid(events: Record<string, unknown>[]): ValidEvent[] {
  const { valid, rejected } = validateBatch(events, { source: String(events[0]!.source), catalog, now, maxAgeDays: 2 });
  expect(rejected).toEqual([]);
  return valid;
}

async function createGroups(redis: Client, keys: RedisKeys) {
  await redis.xgroup('CREATE', keys.stream, keys.group, '0', 'MKSTREAM');
  await redis.xgroup('CREATE', keys.alertStream, keys.alertsGroup, '0', 'MKSTREAM');
}

/** Every counter hash and visitor count under a prefix, named without it. */
async function figures(redis: Client, prefix: string) {
  const out: Record<string, unknown> = {};
  for (const key of await redis.keys(`${prefix}*`)) {
    const name = key.slice(prefix.length);
    if (/^(agg|aggh|aggm|aggmo|gauge):/.test(name)) out[name] = await redis.hgetall(key);
    else if (name.startsWith('uv:')) out[name] = await redis.pfcount(key);
  }
  return out;
}

describe('portal hits', () => {
  let redis: Client;
  beforeAll(() => {
    redis = withScripts(testRedis());
  });
  afterAll(() => {
    redis.disconnect();
  });

  it('count the same from the append script’s digest as from the records in the log', async () => {
    await fc.assert(
      fc.asyncProperty(batches, async (sent) => {
        const inline = redisKeys(testPrefix());
        const backlog = redisKeys(testPrefix());
        await createGroups(redis, inline);
        await createGroups(redis, backlog);
        for (const events of sent) {
          const source = String(events[0]!.source);
          const a = await appendEvents(redis, inline, source, valid(events), options(true));
          // a batch of repeats only takes nothing, and so applies nothing
          expect(a.appliedScopes !== undefined, 'the inline path applied the batch').toBe(a.accepted > 0);
          const b = await appendEvents(redis, backlog, source, valid(events), options(false));
          expect(b.appliedScopes).toBeUndefined();
          expect({ accepted: a.accepted, duplicates: a.duplicates, refused: a.refused }).toEqual({
            accepted: b.accepted,
            duplicates: b.duplicates,
            refused: b.refused,
          });
        }
        for (;;) {
          const [applied, failed] = await redis.ygApplyEvents(
            backlog.stream,
            backlog.deadLetters,
            backlog.group,
            'test',
            backlog.prefix,
            1000,
            3 * 86_400_000,
            now,
          );
          expect(failed).toEqual([]);
          if (applied === 0) break;
        }
        const counted = await figures(redis, inline.prefix);
        const hitsSent = sent.some((events) => events.some((e) => e.type === 'portal.hit'));
        expect(Object.keys(counted).some((k) => k.startsWith('uv:'))).toBe(hitsSent);
        expect(counted).toEqual(await figures(redis, backlog.prefix));
      }),
      { numRuns: 40 },
    );
  });

  it('arguments the script cannot read (a digest, the days, the watched positions) fail the batch before anything is written', async () => {
    const keys = redisKeys(testPrefix());
    await createGroups(redis, keys);
    const events = valid([ev.hit(at('09:00'), 'v1'), ev.hit(at('09:00'), 'v2')]);
    const day = Math.floor((now + 8 * 3_600_000) / 86_400_000);
    const digest = '{"groups":[[["city"],1,"09","0900"]],"hits":[1,1,"c","v",2,1,"c","w"]}';
    const args = (over: { digest?: string; days?: string; watched?: string }) => [
      keys.prefix,
      2,
      now,
      'portal',
      Date.now() + 60_000,
      86_400_000,
      keys.group,
      keys.alertsGroup,
      over.digest ?? digest,
      over.days ?? JSON.stringify([day, 2]),
      over.watched ?? '[]',
      ...events.flatMap((e) => [e.event.id, JSON.stringify({ id: e.event.id })]),
    ];
    const broken: [Parameters<typeof args>[0], RegExp][] = [
      [{ digest: 'not json' }, /portal hit digest: not a digest/],
      [{ digest: '{"groups":[],"hits":[1,1,"c","v"]}' }, /a hit names no group/],
      [{ digest: '{"groups":[[["city"],1,"09","0900"]],"hits":[3,1,"c","v"]}' }, /a hit has no position of its own/], // past the batch
      [{ digest: '{"groups":[[["city"],1,"09","0900"]],"hits":[1,1,"c","v",1,1,"c","v"]}' }, /a hit has no position of its own/], // twice
      [{ digest: '{"groups":[[[],1,"09","0900"]],"hits":[1,1,"c","v"]}' }, /a group has no scopes/],
      [{ digest: '{"groups":[[["city"],1,"09","0900"]],"hits":[1,1,"","v"]}' }, /a hit has no column or visitor/],
      [{ digest: '{"groups":[[["city"],1.5,"09","0900"]],"hits":[1,1,"c","v"]}' }, /a group has no day/],
      [{ days: JSON.stringify([day, 1]) }, /the days' runs count 1 events, the batch has 2/],
      [{ days: JSON.stringify([day, 3]) }, /the days' runs count 3 events/],
      [{ days: JSON.stringify([day + 0.5, 2]) }, /the days are not runs of day indexes/],
      [{ days: JSON.stringify([day, 1.5, day, 0.5]) }, /the days are not runs of day indexes/],
      [{ days: JSON.stringify([day, 3, day, -1]) }, /the days are not runs of day indexes/],
      [{ days: 'no' }, /.+/],
      [{ watched: '{' }, /.+/],
    ];
    for (const [over, error] of broken) {
      await expect(redis.ygAppendEvents(keys.stream, keys.sourceSeen, keys.alertStream, keys.deadLetters, ...args(over)), JSON.stringify(over)).rejects.toThrow(
        error,
      );
    }
    expect(await redis.xlen(keys.stream)).toBe(0);
    expect(await redis.keys(`${keys.prefix}seen:*`)).toEqual([]);
    expect(await redis.hlen(keys.sourceSeen)).toBe(0);
    // the same arguments, well formed, are taken
    const [flags] = await redis.ygAppendEvents(keys.stream, keys.sourceSeen, keys.alertStream, keys.deadLetters, ...args({}));
    expect(flags).toEqual([1, 1]);
    expect(await redis.xlen(keys.stream)).toBe(2);
  });
});
