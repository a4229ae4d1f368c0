import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyChanges } from '../../common/delta.ts';
import type { Snapshot } from '../../common/snapshot.ts';
import type { Hub } from '../../server/hub.ts';
import { ev } from '../helpers/events.ts';
import { drained, getJson, postEvents, startTestHub, testPrefix } from '../helpers/test-hub.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { comparable, emitAck, nowIso, rawSocket, watchScope } from './live-helpers.ts';

describe('/live on one hub', () => {
  let hub: Hub;
  beforeAll(async () => {
    hub = await startTestHub(testPrefix(), { env: { LIVE_TICK_MS: '250' } });
  });
  afterAll(async () => {
    await hub.stop();
  });

  it('sends a snapshot on subscribe, then a delta that brings the client level with the hub', async () => {
    const w = watchScope(hub.url, 'center:yiyang');
    try {
      const first = await waitFor('snapshot', () => w.state());
      expect(first.scope).toBe('center:yiyang');
      expect(Object.keys(first.windows ?? {}).length).toBeGreaterThan(100);
      await postEvents(hub, 'queue', [ev.issued(nowIso(), 'A001'), ev.called(nowIso(), 'A001', 'yiyang.w003')]);
      await drained(hub);
      const after = await waitFor('delta with the call', () => w.state()?.calls?.[0]?.ticket === 'A001' && w.state());
      expect(after.windows?.['yiyang.w003']?.ticket).toBe('A001');
      expect(w.kinds.delta).toBeGreaterThan(0);
      const http = await getJson(hub, '/api/v1/snapshot?scope=center:yiyang');
      expect(comparable(after)).toEqual(comparable(http));
    } finally {
      w.stop();
    }
  });

  it('gives a late joiner the cached snapshot with the current seq at once', async () => {
    const a = rawSocket(hub.url);
    const b = rawSocket(hub.url);
    try {
      expect(await emitAck(a, 'subscribe', 'dept:yiyang.tax')).toEqual({ ok: true });
      await postEvents(hub, 'queue', [ev.issued(nowIso(), 'T001', 'yiyang.tax')]);
      await drained(hub);
      await waitFor('a delta', () => a.deltas.length > 0);
      const started = Date.now();
      expect(await emitAck(b, 'subscribe', 'dept:yiyang.tax')).toEqual({ ok: true });
      expect(Date.now() - started).toBeLessThan(200);
      const latestSeq = a.deltas[a.deltas.length - 1]!.seq;
      expect(b.snapshots[0]!.seq).toBe(latestSeq);
      expect(b.snapshots[0]!.snapshot.tickets.issued).toBe(1);
    } finally {
      a.close();
      b.close();
    }
  });

  it('merges a burst of 1,000 events into at most one delta per room per tick', async () => {
    const sock = rawSocket(hub.url);
    try {
      for (const scope of ['city', 'center:yiyang', 'dept:yiyang.realestate']) expect(await emitAck(sock, 'subscribe', scope)).toEqual({ ok: true });
      const base = sock.snapshots.find((s) => s.scope === 'city')!.snapshot.portal.pv;
      const started = Date.now();
      for (let batch = 0; batch < 20; batch++) {
        const events = Array.from({ length: 50 }, (_, i) => ev.hit(nowIso(), `v${batch}-${i}`));
        expect((await postEvents(hub, 'portal', events)).body.accepted).toBe(50);
      }
      await drained(hub);
      await waitFor('all hits in the city room', () => {
        let state: Snapshot = sock.snapshots.find((s) => s.scope === 'city')!.snapshot;
        for (const d of sock.deltas.filter((x) => x.scope === 'city')) state = applyChanges(state, d.changes);
        return state.portal.pv === base + 1000;
      });
      const seconds = (Date.now() - started) / 1000;
      const cityDeltas = sock.deltas.filter((d) => d.scope === 'city');
      // 4 ticks a second at 250 ms, plus one tick in flight at each end.
      expect(cityDeltas.length).toBeLessThanOrEqual(Math.ceil(seconds * 4) + 2);
      expect(cityDeltas.length).toBeLessThan(100);
      for (let i = 1; i < cityDeltas.length; i++) expect(cityDeltas[i]!.seq).toBe(cityDeltas[i - 1]!.seq + 1);
      // In any second of the hub's clock: 4 ticks, plus one whose read finished late.
      const sent = cityDeltas.map((d) => d.sentAt!);
      const busiestSecond = Math.max(...sent.map((t) => sent.filter((u) => u >= t && u < t + 1000).length));
      expect(busiestSecond).toBeLessThanOrEqual(5);
    } finally {
      sock.close();
    }
  });

  it("answers a resync after a gap with a snapshot equal to the hub's", async () => {
    const sock = rawSocket(hub.url);
    try {
      expect(await emitAck(sock, 'subscribe', 'dept:yiyang.market')).toEqual({ ok: true });
      const seq0 = sock.snapshots[0]!.seq;
      for (let i = 0; i < 3; i++) {
        await postEvents(hub, 'queue', [ev.issued(nowIso(), `M00${i}`, 'yiyang.market')]);
        await drained(hub);
        await waitFor(`delta ${i + 1}`, () => sock.deltas.length >= i + 1);
      }
      // Pretend the client missed the middle delta: it sees seq0 + 1, then seq0 + 3.
      expect(sock.deltas.map((d) => d.seq)).toEqual([seq0 + 1, seq0 + 2, seq0 + 3]);
      expect(await emitAck(sock, 'resync', 'dept:yiyang.market')).toEqual({ ok: true });
      const fresh = sock.snapshots[1]!;
      expect(fresh.seq).toBe(seq0 + 3);
      expect(fresh.snapshot.tickets.issued).toBe(3);
      expect(comparable(fresh.snapshot)).toEqual(comparable(await getJson(hub, '/api/v1/snapshot?scope=dept:yiyang.market')));
    } finally {
      sock.close();
    }
  });

  it('gives a second listener of a scope the current state at once, and a fresh snapshot on resync()', async () => {
    const w = watchScope(hub.url, 'window:yiyang.w001');
    try {
      const first = await waitFor('snapshot', () => w.state());
      let second: unknown = null;
      const stop = w.client.subscribe('window:yiyang.w001', (state) => {
        second = state;
      });
      expect(second).toBe(first);
      w.client.resync('window:yiyang.w001');
      await waitFor('resync snapshot', () => w.kinds.snapshot === 2);
      expect(comparable(w.state()!)).toEqual(comparable(await getJson(hub, '/api/v1/snapshot?scope=window:yiyang.w001')));
      stop();
    } finally {
      w.stop();
    }
  });

  it('refuses unknown scopes, unknown events and oversized messages', async () => {
    const sock = rawSocket(hub.url);
    try {
      expect(await emitAck(sock, 'subscribe', 'dept:nowhere')).toEqual({ ok: false, error: 'unknown scope dept:nowhere' });
      expect(await emitAck(sock, 'subscribe', 'planet:mars')).toMatchObject({ ok: false });
      const ackOfAlert = await new Promise((resolve) =>
        (sock as unknown as { emit: (e: string, p: unknown, cb: (r: unknown) => void) => void }).emit('alert:ack', { id: 'a1' }, resolve),
      );
      expect(ackOfAlert).toMatchObject({ ok: false, error: expect.stringContaining('unknown event') });
      const closed = new Promise<string>((resolve) => sock.on('disconnect', (reason) => resolve(reason)));
      sock.emit('subscribe', { scope: 'x'.repeat(20_000) as 'city' }, () => undefined);
      expect(await closed).toBe('transport close');
    } finally {
      sock.close();
    }
  });

  it('disconnects a socket that keeps flooding after refusing its excess messages', async () => {
    const sock = rawSocket(hub.url);
    try {
      const closed = new Promise<string>((resolve) => sock.on('disconnect', (reason) => resolve(reason)));
      const acks: unknown[] = [];
      for (let i = 0; i < 200; i++) sock.emit('unsubscribe', { scope: 'city' }, (r) => acks.push(r));
      expect(await closed).toBe('io server disconnect');
      expect(acks).toContainEqual({ ok: false, error: 'rate limited: at most 20 messages per second' });
    } finally {
      sock.close();
    }
  });
});
