/**
 * A call does not wait for a read of its room already in flight (server/realtime/live-rooms.ts):
 * that read may have been sent before the call was written, so the call's own read goes out at
 * once, and the older answer, when it comes, is not sent after the newer one. The rooms read the
 * hub's real Redis; the test holds the first read's answer (as a slow reply would be) to put the
 * call inside it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Scope } from '../../common/catalog.ts';
import type { DeltaMessage } from '../../common/live.ts';
import { toShanghaiIso, dayIndexOf } from '../../common/time.ts';
import type { Hub } from '../../server/hub.ts';
import { readSnapshot } from '../../server/read/snapshot.ts';
import { LiveRooms } from '../../server/realtime/live-rooms.ts';
import { ev } from '../helpers/events.ts';
import { testNow } from '../helpers/test-clock.ts';
import { postEvents, startTestHub, testPrefix } from '../helpers/test-hub.ts';
import { waitFor } from '../helpers/wait-for.ts';

const nowIso = (): string => toShanghaiIso(testNow());

describe('/live: a call during a read of its room', () => {
  const prefix = testPrefix();
  let hub: Hub;
  beforeAll(async () => {
    hub = await startTestHub(prefix, { now: testNow });
  });
  afterAll(async () => {
    await hub.stop();
  });

  it('is read and sent at once, not after the read in flight, and the older answer is not sent after it', async () => {
    const scope: Scope = 'window:yiyang.w021';
    let hold: Promise<void> | null = null;
    let release: () => void = () => undefined;
    let held = 0;
    const deltas: DeltaMessage[] = [];
    const rooms = new LiveRooms({
      read: async (s, at) => {
        const snapshot = await readSnapshot(hub.redis, hub.keys, s, dayIndexOf(at), at, hub.catalog);
        const gate = hold;
        hold = null;
        if (gate) {
          held++;
          await gate;
          held--;
        }
        return snapshot;
      },
      members: () => 1,
      sendSnapshot: () => undefined,
      sendDelta: (msg) => deltas.push(msg),
      now: testNow,
      // no tick, no refresh within the test: every delta below comes from a mark
      tickMs: 60_000,
      refreshMs: 600_000,
      log: hub.log,
    });
    try {
      await rooms.current(scope);
      // a ticket started at the window (no call): the room's read, its answer held
      expect((await postEvents(hub, 'window', [ev.started(nowIso(), 'S021', 'yiyang.w021')])).body.accepted).toBe(1);
      hold = new Promise<void>((r) => (release = r));
      rooms.markDirty([scope]);
      await waitFor('the first read held', () => held === 1 || undefined);

      expect((await postEvents(hub, 'queue', [ev.issued(nowIso(), 'O021'), ev.called(nowIso(), 'O021', 'yiyang.w021')])).body.accepted).toBe(2);
      rooms.markDirty([scope], true);
      const call = await waitFor('the call while the first read is held', () => deltas.find((d) => JSON.stringify(d.changes).includes('O021')));
      expect(held).toBe(1);
      expect(call.seq).toBe(1);

      release();
      await waitFor('the held read answered', () => held === 0 || undefined);
      // its answer is older than the one sent: nothing goes back to the state before the call
      await rooms.close();
      expect(deltas.map((d) => d.seq)).toEqual([1]);
      const room = await rooms.current(scope);
      expect(room.snapshot.window?.ticket).toBe('O021');
    } finally {
      release();
      await rooms.close();
    }
  });
});
