/**
 * The fleet across hub processes (docs/screens.md#the-fleet): a screen connected to one hub is
 * listed by the other, and a command posted to the other reaches it within 2 s through the
 * Socket.IO adapter's Redis stream.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FleetAnswer, FleetCommand } from '../../common/fleet.ts';
import type { Hub } from '../../server/hub.ts';
import { signInFrom } from '../auth/auth-test-hub.ts';
import { testNow } from '../helpers/test-clock.ts';
import { startTestHub, testPrefix } from '../helpers/test-hub.ts';
import { reportingScreen, screenReport, type ReportingScreen } from './fleet-screens.ts';

const ADMIN_PASSWORD = 'admin-pass-fleet-hubs-1';
let a: Hub;
let b: Hub;
let cookie: string;
let screen: ReportingScreen;

beforeAll(async () => {
  const prefix = testPrefix();
  a = await startTestHub(prefix, { now: testNow, env: { ADMIN_PASSWORD } });
  b = await startTestHub(prefix, { now: testNow, env: { ADMIN_PASSWORD, AGGREGATOR: 'off' } });
  cookie = (await signInFrom(a, 'admin', ADMIN_PASSWORD)).cookie!;
  // connected to hub b, with the figures hub a must list
  screen = await reportingScreen(
    b.url,
    screenReport({
      id: 'far-1',
      page: '/screens/hall?screen=far-1',
      scopes: ['center:yiyang'],
      canvas: { w: 1920, h: 1080 },
      uptimeS: 3,
      heapMB: 12.5,
      heapLimitMB: 4096,
      fps: 60,
      lastUpdateAgeS: 0.4,
    }),
  );
}, 60_000);

afterAll(async () => {
  screen?.close();
  await b?.stop();
  await a?.stop();
});

describe('fleet across hubs', () => {
  it('lists on hub a the screen connected to hub b', async () => {
    const res = await fetch(`${a.url}/api/v1/screens`, { headers: { cookie } });
    const { screens } = (await res.json()) as FleetAnswer;
    expect(screens.find((s) => s.id === 'far-1')).toMatchObject({ online: true, heapMB: 12.5, fps: 60, group: 'far', scopes: ['center:yiyang'] });
  });

  it('delivers a command posted to hub a within 2 s', async () => {
    const t0 = Date.now();
    const res = await fetch(`${a.url}/api/v1/screens/far-1/commands`, {
      method: 'POST',
      headers: { cookie, origin: a.url, 'content-type': 'application/json' },
      body: JSON.stringify({ command: 'navigate', path: '/screens/window/5' }),
    });
    const { command } = (await res.json()) as { command: FleetCommand };
    expect(res.status).toBe(200);
    expect(command).toMatchObject({ status: 'delivered', path: '/screens/window/5' });
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(screen.received.map((c) => c.id)).toContain(command.id);
  });
});
