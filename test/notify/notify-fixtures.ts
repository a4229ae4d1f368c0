/**
 * What the notification tests start, stopped after each test in reverse order (a hub the test has
 * stopped itself is left alone), and the wait alerts most of their stories begin with.
 */
import { afterEach } from 'vitest';
import type { Hub } from '../../server/hub.ts';
import type { NotifyTuning } from '../../server/notify/start-notify.ts';
import { ev } from '../helpers/events.ts';
import { at } from '../helpers/test-clock.ts';
import { postEvents } from '../helpers/test-hub.ts';
import { settle, type TestClock } from '../alerts/alert-hub.ts';
import { startHttpReceiver, type HttpReceiver } from './receivers.ts';
import { startNotifyHub } from './notify-hub.ts';

/** Registers the file's afterEach; what its functions start is stopped there. */
export function stoppedAfterEach(): {
  hubOf(prefix: string, clock: TestClock, file: string, tuning?: NotifyTuning): Promise<Hub>;
  receiver(): Promise<HttpReceiver>;
  later(stop: () => Promise<void>): void;
} {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  return {
    async hubOf(prefix, clock, file, tuning = {}) {
      const hub = await startNotifyHub(prefix, clock, file, tuning);
      cleanups.push(async () => {
        if (hub.server.listening) await hub.stop();
      });
      return hub;
    },
    async receiver() {
      const r = await startHttpReceiver();
      cleanups.push(() => r.close());
      return r;
    },
    later(stop) {
      cleanups.push(stop);
    },
  };
}

/** One waiting ticket of `dept` per name, issued at 09:00 of `day`; the clock set to 09:30, when their wait alerts open. */
export async function openWaits(hub: Hub, clock: TestClock, where: { day: string; dept: string }, tickets: string[]): Promise<void> {
  await postEvents(
    hub,
    'queue',
    tickets.map((x) => ev.issued(at('09:00', where.day), x, where.dept)),
  );
  await settle(hub);
  clock.set(at('09:30', where.day));
  await settle(hub);
}
