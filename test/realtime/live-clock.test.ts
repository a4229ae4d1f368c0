import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toShanghaiIso } from '../../common/time.ts';
import type { Hub } from '../../server/hub.ts';
import { ev } from '../helpers/events.ts';
import { TODAY, dayFromToday, instant, testNow } from '../helpers/test-clock.ts';
import { drained, postEvents, startTestHub, testPrefix } from '../helpers/test-hub.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { emitAck, rawSocket } from './live-helpers.ts';

describe('/live and the clock', () => {
  let hub: Hub;
  // a few seconds before midnight: yesterday is about to become today
  let clock = instant('23:59:57', dayFromToday(-1));
  beforeAll(async () => {
    hub = await startTestHub(testPrefix(), { now: () => clock, env: { LIVE_TICK_MS: '100', LIVE_REFRESH_MS: '1000' } });
  });
  afterAll(async () => {
    await hub.stop();
  });

  it('sends the new asOf alone as a heartbeat when nothing else changed for a refresh interval', async () => {
    const sock = rawSocket(hub.url);
    try {
      expect(await emitAck(sock, 'subscribe', 'dept:yiyang.tax')).toEqual({ ok: true });
      clock += 1500;
      const beat = await waitFor('heartbeat', () => sock.deltas[0]);
      expect(beat.changes).toEqual([[['asOf'], toShanghaiIso(clock)]]);
      expect(beat.seq).toBe(sock.snapshots[0]!.seq + 1);
    } finally {
      sock.close();
    }
  });

  it('sends a whole snapshot of the new day at midnight Asia/Shanghai', async () => {
    const sock = rawSocket(hub.url);
    try {
      expect(await emitAck(sock, 'subscribe', 'city')).toEqual({ ok: true });
      const first = sock.snapshots[0]!;
      expect(first.snapshot.date).toBe(dayFromToday(-1));
      clock = instant('00:00:02');
      const next = await waitFor('the new day', () => sock.snapshots[1]);
      expect(next.snapshot.date).toBe(TODAY);
      expect(next.seq).toBeGreaterThan(first.seq);
    } finally {
      sock.close();
    }
  });
});

/** Now by the test clock, as an event time. */
const nowIso = (): string => toShanghaiIso(testNow());

describe('/live rooms of a case', () => {
  let hub: Hub;
  // No refresh during the test: only the marks of applied batches can bring a delta.
  beforeAll(async () => {
    hub = await startTestHub(testPrefix(), { now: testNow, env: { LIVE_REFRESH_MS: '600000' } });
  });
  afterAll(async () => {
    await hub.stop();
  });

  it('updates the department room when a case accepted there completes (a case event names only its center)', async () => {
    const sock = rawSocket(hub.url);
    try {
      expect(await emitAck(sock, 'subscribe', 'dept:yiyang.realestate')).toEqual({ ok: true });
      await postEvents(hub, 'cases', [ev.accepted(nowIso(), 'K-1', 3)]);
      await drained(hub);
      await waitFor('acceptance delta', () => sock.deltas.some((d) => d.changes.some(([p, v]) => p.join('.') === 'cases.accepted' && v === 1)));
      await postEvents(hub, 'cases', [ev.completed(nowIso(), 'K-1')]);
      await drained(hub);
      await waitFor('completion delta', () => sock.deltas.some((d) => d.changes.some(([p, v]) => p.join('.') === 'cases.completed' && v === 1)), 3000);
    } finally {
      sock.close();
    }
  });
});

describe('/live and alert counts', () => {
  let hub: Hub;
  beforeAll(async () => {
    hub = await startTestHub(testPrefix(), { now: testNow, env: { LIVE_REFRESH_MS: '600000' } });
  });
  afterAll(async () => {
    await hub.stop();
  });

  it('pushes the open alert count of a department when the alert engine raises a bad-review alert', async () => {
    const sock = rawSocket(hub.url);
    try {
      expect(await emitAck(sock, 'subscribe', 'dept:yiyang.realestate')).toEqual({ ok: true });
      expect(sock.snapshots[0]!.snapshot.alerts.open).toBe(0);
      await postEvents(hub, 'rating', [ev.rating(nowIso(), 1)]);
      await waitFor('alert count delta', () => sock.deltas.some((d) => d.changes.some(([p, v]) => p.join('.') === 'alerts.open' && v === 1)));
    } finally {
      sock.close();
    }
  });
});
