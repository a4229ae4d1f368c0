import http from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../../server/hub.ts';
import { ev } from '../helpers/events.ts';
import { at as atTime, fixedClock } from '../helpers/test-clock.ts';
import { TOKENS, drained, getJson, postEvents, startTestHub, testPrefix } from '../helpers/test-hub.ts';

const now = fixedClock('12:00');
const at = atTime('10:00');

/** Anything a broken or hostile device might send as one event. */
const junkValue = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: 'binary' }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.array(fc.anything(), { maxLength: 5 }),
  fc.object({ maxDepth: 3 }),
  fc.string({ minLength: 200, maxLength: 2000 }),
  fc.constantFrom('\u0000', '\uD800', '𠮷', 'ﾟ', '\u202E', '<script>alert(1)</script>'),
);
const nested = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small' }, fc.string(), fc.array(tie('node'), { maxLength: 2 }), fc.dictionary(fc.string(), tie('node'), { maxKeys: 2 })),
})).node;
const junkEvent = fc.oneof(
  junkValue,
  nested,
  // a valid event with one field broken
  fc
    .tuple(fc.constantFrom('id', 'type', 'at', 'source', 'center', 'ticket', 'queue', 'dept', 'score'), junkValue)
    .map(([field, value]) => ({ ...ev.issued(at, 'Z001'), [field]: value })),
  fc.dictionary(fc.string(), junkValue, { maxKeys: 8 }),
);

describe('POST /api/v1/events under fuzzing', () => {
  let hub: Hub;
  beforeAll(async () => {
    hub = await startTestHub(testPrefix(), { now });
  });
  afterAll(async () => {
    await hub.stop();
  });

  it('never answers 5xx, names the field of every reject, and counts the good events of each batch', async () => {
    let goodSent = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(junkEvent, { maxLength: 40 }), fc.integer({ min: 0, max: 5 }), async (junk, goodCount) => {
        const good = Array.from({ length: goodCount }, (_, i) => ev.hit(at, `fuzz-${goodSent + i}`));
        goodSent += goodCount;
        const batch = [...good, ...junk];
        const { status, body } = await postEvents(hub, 'portal', batch);
        expect(status).toBe(202);
        expect(body.accepted).toBe(goodCount);
        for (const r of body.rejected) {
          expect(r.index).toBeGreaterThanOrEqual(goodCount);
          expect(r.errors.length).toBeGreaterThan(0);
          for (const e of r.errors) {
            expect(typeof e.path).toBe('string');
            expect(e.path.length).toBeGreaterThan(0);
            expect(e.message.length).toBeGreaterThan(0);
          }
        }
      }),
      { numRuns: 300 },
    );
    await drained(hub);
    expect((await getJson(hub, '/api/v1/snapshot?scope=city')).portal.pv).toBe(goodSent);
  }, 120_000);

  it('answers malformed bodies with 4xx, never 5xx', async () => {
    const bodies = [
      '',
      'null',
      '"a string"',
      '{"events": "no"}',
      '[[[[[[[[[[]]]]]]]]]]',
      `[${'{"a":'.repeat(3000)}1${'}'.repeat(3000)}]`,
      '\u0000',
      '{"events": [1, 2, 3]}',
    ];
    for (const body of bodies) {
      const res = await fetch(`${hub.url}/api/v1/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKENS.portal}`, 'content-type': 'application/json' },
        body,
      });
      expect(res.status, body.slice(0, 30)).toBeLessThan(500);
      expect(res.status === 202 || res.status === 400 || res.status === 413, `${res.status} for ${body.slice(0, 30)}`).toBe(true);
    }
    expect((await fetch(`${hub.url}/healthz`)).status).toBe(200);
  });
});

describe('the same batch sent five times with connection resets in between', () => {
  let hub: Hub;
  beforeAll(async () => {
    hub = await startTestHub(testPrefix(), { now });
  });
  afterAll(async () => {
    await hub.stop();
  });

  it('is counted once', async () => {
    const batch = JSON.stringify(Array.from({ length: 100 }, (_, i) => ev.hit(at, `reset-${i}`)));
    const { port } = new URL(hub.url);
    // four sends whose connection is cut right after the body went out: the sender never learns the answer
    for (let i = 0; i < 4; i++) {
      await new Promise<void>((resolve) => {
        const req = http.request({
          host: '127.0.0.1',
          port,
          path: '/api/v1/events',
          method: 'POST',
          headers: { authorization: `Bearer ${TOKENS.portal}`, 'content-type': 'application/json' },
        });
        req.on('error', () => resolve());
        // the cut comes 0, 5, 10 and 15 ms after the body: that delay is the fault, not a wait
        req.end(batch, () =>
          setTimeout(() => {
            req.destroy();
            resolve();
          }, i * 5),
        );
      });
    }
    const last = await postEvents(hub, 'portal', JSON.parse(batch));
    expect(last.status).toBe(202);
    expect(last.body.accepted + last.body.duplicates).toBe(100);
    await drained(hub);
    expect((await getJson(hub, '/api/v1/snapshot?scope=city')).portal.pv).toBe(100);
  });
});
