/**
 * When a room's delta goes out (server/realtime/live-rooms.ts): a quiet room at once, a busy room
 * at the end of its tick, a window's change (a call) at once even in a busy room. The hubs tick
 * every 5 s (a call's budget refills every 10 s), so "at once" and "at the tick" are seconds apart: the margins below hold on a loaded
 * machine, and no assertion depends on a few milliseconds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toShanghaiIso } from '../../common/time.ts';
import type { Hub } from '../../server/hub.ts';
import { ev } from '../helpers/events.ts';
import { testNow } from '../helpers/test-clock.ts';
import { postEvents, startTestHub, testPrefix } from '../helpers/test-hub.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { emitAck, rawSocket } from './live-helpers.ts';
import { CALL_BURST } from '../../server/realtime/live-rooms.ts';

const TICK_MS = 5000;
/** Well before the tick: what "at once" must beat, with seconds to spare for a loaded machine. */
const AT_ONCE_MS = TICK_MS / 2;
/** The tick, less what the first flush's read and the wire may have taken. */
const AFTER_TICK_MS = TICK_MS - 1000;

const nowIso = (): string => toShanghaiIso(testNow());

describe('/live flushes a quiet room at once and merges a busy one', () => {
  const prefix = testPrefix();
  let hubA: Hub;
  let hubB: Hub;
  beforeAll(async () => {
    // No refresh during the test: only marks can bring a delta. B aggregates nothing: it hears of
    // A's batches on the changed channel only.
    const env = { LIVE_TICK_MS: String(TICK_MS), LIVE_REFRESH_MS: '600000' };
    hubA = await startTestHub(prefix, { now: testNow, env });
    hubB = await startTestHub(prefix, { now: testNow, env: { ...env, AGGREGATOR: 'off' } });
  });
  afterAll(async () => {
    await hubB.stop();
    await hubA.stop();
  });

  it('sends a lone event to a quiet room at once, on this hub and the other, and holds the next one for the tick', async () => {
    const onA = rawSocket(hubA.url);
    const onB = rawSocket(hubB.url);
    try {
      // ticket.issued touches the department, its center and the city, no window: no call
      for (const sock of [onA, onB]) expect(await emitAck(sock, 'subscribe', 'dept:yiyang.tax')).toEqual({ ok: true });
      const posted = Date.now();
      expect((await postEvents(hubA, 'queue', [ev.issued(nowIso(), 'Q001', 'yiyang.tax')])).body.accepted).toBe(1);
      const [firstA, firstB] = await Promise.all([waitFor('the delta on A', () => onA.deltas[0]), waitFor('the delta on B', () => onB.deltas[0])]);
      expect(firstA.at - posted).toBeLessThan(AT_ONCE_MS);
      expect(firstB.at - posted).toBeLessThan(AT_ONCE_MS);

      // The room is busy now: a second event is merged into the room's next tick.
      const again = Date.now();
      expect((await postEvents(hubA, 'queue', [ev.issued(nowIso(), 'Q002', 'yiyang.tax')])).body.accepted).toBe(1);
      const secondA = await waitFor('the second delta on A', () => onA.deltas[1]);
      expect(secondA.at - firstA.at).toBeGreaterThanOrEqual(AFTER_TICK_MS);
      expect(secondA.at - again).toBeGreaterThan(AT_ONCE_MS);
      const secondB = await waitFor('the second delta on B', () => onB.deltas[1]);
      expect(secondB.at - firstB.at).toBeGreaterThanOrEqual(AFTER_TICK_MS);
      for (const sock of [onA, onB]) expect(sock.deltas.map((d) => d.seq)).toEqual([sock.snapshots[0]!.seq + 1, sock.snapshots[0]!.seq + 2]);
    } finally {
      onA.close();
      onB.close();
    }
  });

  it('sends calls to a busy room at once while its budget of calls lasts, on this hub and the other, and the next at the tick', async () => {
    const socks = [rawSocket(hubA.url), rawSocket(hubB.url)];
    const arrivals = (ticket: string) =>
      Promise.all(socks.map((sock) => waitFor(`the call of ${ticket}`, () => sock.deltas.find((d) => JSON.stringify(d.changes).includes(ticket))?.at)));
    const call = async (ticket: string, window: string) => {
      const posted = Date.now();
      expect((await postEvents(hubA, 'queue', [ev.issued(nowIso(), ticket), ev.called(nowIso(), ticket, window)])).body.accepted).toBe(2);
      return { posted, at: await arrivals(ticket) };
    };
    try {
      for (const sock of socks) expect(await emitAck(sock, 'subscribe', 'center:yiyang')).toEqual({ ok: true });
      // A portal hit (the center and the city, no call) makes the room busy.
      expect((await postEvents(hubA, 'portal', [ev.hit(nowIso(), 'busy-1')])).body.accepted).toBe(1);
      let last = await Promise.all(socks.map((sock) => waitFor('the portal delta', () => sock.deltas[0]?.at)));
      for (let i = 1; i <= CALL_BURST; i++) {
        const c = await call(`C00${i}`, `yiyang.w00${i}`);
        c.at.forEach((at, hub) => {
          expect(at - c.posted).toBeLessThan(AT_ONCE_MS);
          expect(at - last[hub]!).toBeLessThan(AFTER_TICK_MS);
        });
        last = c.at;
      }
      // The budget is spent: the next call waits for the room's tick.
      const next = await call('C009', 'yiyang.w009');
      next.at.forEach((at, hub) => {
        expect(at - last[hub]!).toBeGreaterThanOrEqual(AFTER_TICK_MS);
        expect(at - next.posted).toBeGreaterThan(AT_ONCE_MS);
      });
      for (const sock of socks) {
        const seqs = sock.deltas.map((d) => d.seq);
        expect(seqs).toEqual(seqs.map((_, i) => sock.snapshots[0]!.seq + 1 + i));
      }
    } finally {
      for (const sock of socks) sock.close();
    }
  });

  it('sends a call applied from the backlog (posted to a hub that does not aggregate) to a busy room at once, on both hubs', async () => {
    // B takes the batches and A's aggregator applies them from the log: the call flag comes from
    // the types the backlog script applied (common/live-calls.ts), not from the ingest route.
    const window = 'yiyang.w012';
    const socks = [rawSocket(hubA.url), rawSocket(hubB.url)];
    try {
      for (const sock of socks) expect(await emitAck(sock, 'subscribe', `window:${window}`)).toEqual({ ok: true });
      // a ticket started at the window (no call) makes the room busy
      expect((await postEvents(hubB, 'window', [ev.started(nowIso(), 'S001', window)])).body.accepted).toBe(1);
      const first = await Promise.all(socks.map((sock) => waitFor('the first delta', () => sock.deltas[0]?.at)));
      const posted = Date.now();
      expect((await postEvents(hubB, 'queue', [ev.issued(nowIso(), 'B001'), ev.called(nowIso(), 'B001', window)])).body.accepted).toBe(2);
      const at = await Promise.all(
        socks.map((sock) => waitFor('the call from the backlog', () => sock.deltas.find((d) => JSON.stringify(d.changes).includes('B001'))?.at)),
      );
      at.forEach((t, hub) => {
        expect(t - posted).toBeLessThan(AT_ONCE_MS);
        expect(t - first[hub]!).toBeLessThan(AFTER_TICK_MS);
      });
    } finally {
      for (const sock of socks) sock.close();
    }
  });
});
