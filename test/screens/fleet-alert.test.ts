/**
 * The screen-offline alert (docs/screens.md#the-fleet, docs/alerts.md): a screen silent for 5 office
 * minutes raises a yellow `screen-offline` alert through the engine's own operations, scoped to the
 * center it shows; it closes when the screen reports again; silence outside office hours raises
 * nothing. The hub's clock is the test's; the engine ticks when the test says.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../../server/hub.ts';
import { allAlerts, startAlertHub, TestClock } from '../alerts/alert-hub.ts';
import { at, findDay, kindOfDay } from '../helpers/test-clock.ts';
import { testPrefix } from '../helpers/test-hub.ts';
import { reportingScreen, screenReport } from './fleet-screens.ts';

const WORKDAY = findDay(kindOfDay.workday);
const clock = new TestClock(at('10:00', WORKDAY));
let hub: Hub;

/** One report from a fresh socket, which then closes (the screen goes away). */
async function reportOnce(id: string, scopes: string[]): Promise<void> {
  (await reportingScreen(hub.url, screenReport({ id, scopes }))).close();
}

const screenAlerts = async (id: string) => (await allAlerts(hub)).filter((a) => a.subject === `screen:${id}`);

beforeAll(async () => {
  // the engine ticks only when the test calls tick()
  hub = await startAlertHub(testPrefix(), clock, {}, { tickMs: 3_600_000 });
}, 60_000);
afterAll(async () => {
  await hub?.stop();
});

describe('screen-offline alert', () => {
  it('opens after 5 silent office minutes, yellow, for the center the screen shows, and closes when it reports', async () => {
    clock.set(at('10:00', WORKDAY));
    await reportOnce('lobby-2', ['center:yiyang']);
    clock.advance(4 * 60_000);
    await hub.alerts.engine!.tick();
    expect(await screenAlerts('lobby-2')).toEqual([]);

    clock.advance(2 * 60_000);
    await hub.alerts.engine!.tick();
    const [opened] = await screenAlerts('lobby-2');
    expect(opened).toMatchObject({ rule: 'screen-offline', severity: 'yellow', state: 'open', center: 'yiyang', since: Date.parse(at('10:00', WORKDAY)) });
    expect(opened!.scopes).toContain('city');

    clock.advance(60_000);
    await reportOnce('lobby-2', ['center:yiyang']);
    await hub.alerts.engine!.tick();
    const [closed] = await screenAlerts('lobby-2');
    expect(closed).toMatchObject({ id: opened!.id, state: 'closed' });
    expect(closed!.history.at(-1)).toMatchObject({ action: 'closed', reason: 'screen-heard' });
  });

  it('raises nothing for a screen switched off after office hours', async () => {
    clock.set(at('18:30', WORKDAY));
    await reportOnce('night-1', []);
    clock.set(at('23:30', WORKDAY));
    await hub.alerts.engine!.tick();
    expect(await screenAlerts('night-1')).toEqual([]);
  });
});
