/**
 * Commands for an offline screen (docs/screens.md#the-fleet): delivered when it reports again
 * within 10 minutes, expired after that (and then never sent); a screen forgotten with DELETE.
 * The hub's clock is the test's, so the 10 minutes pass at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FleetCommand } from '../../common/fleet.ts';
import type { Hub } from '../../server/hub.ts';
import { ADMIN_PASSWORD, api, startAlertHub, TestClock, type ApiAnswer } from '../alerts/alert-hub.ts';
import { auditEntries, signInFrom } from '../auth/auth-test-hub.ts';
import { at } from '../helpers/test-clock.ts';
import { testPrefix } from '../helpers/test-hub.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { reportingScreen, screenReport } from './fleet-screens.ts';

const clock = new TestClock(at('10:00'));
let hub: Hub;
let cookie: string;

/** The admin's call to the hub. */
const call = (method: string, path: string, body?: unknown): Promise<ApiAnswer> => api(hub, method, path, { cookie, body });

/** The screen late-1 reporting once, getting its commands (acknowledged) while connected. */
const connectScreen = () => reportingScreen(hub.url, screenReport({ id: 'late-1' }));

beforeAll(async () => {
  hub = await startAlertHub(testPrefix(), clock);
  cookie = (await signInFrom(hub, 'admin', ADMIN_PASSWORD)).cookie!;
  (await connectScreen()).close();
  await waitFor('late-1 offline', async () => (await call('GET', '/api/v1/screens')).body.screens[0]?.online === false);
}, 60_000);
afterAll(async () => {
  await hub?.stop();
});

describe('commands for an offline screen', () => {
  it('expires one not delivered within 10 minutes, and does not send it later', async () => {
    const { body } = await call('POST', '/api/v1/screens/late-1/commands', { command: 'reload' });
    const queued = body.command as FleetCommand;
    expect(queued).toMatchObject({ status: 'pending', expiresAt: clock.now() + 10 * 60_000 });

    clock.advance(10 * 60_000 + 1);
    const { body: detail } = await call('GET', '/api/v1/screens/late-1/commands');
    expect(detail.commands.map((c: FleetCommand) => [c.id, c.status])).toEqual([[queued.id, 'expired']]);
    expect(detail.screen.pendingCommands).toBe(0);

    // one queued now is delivered when the screen returns; the expired one is not
    const fresh = (await call('POST', '/api/v1/screens/late-1/commands', { command: 'identify' })).body.command as FleetCommand;
    clock.advance(9 * 60_000);
    const screen = await connectScreen();
    await waitFor('the fresh command', () => screen.received.length > 0);
    expect(screen.received.map((c) => c.id)).toEqual([fresh.id]);
    await waitFor(
      'delivered',
      async () => (await call('GET', '/api/v1/screens/late-1/commands')).body.commands.find((c: FleetCommand) => c.id === fresh.id)?.status === 'delivered',
    );
    screen.close();
  });

  it('forgets a screen taken down for good, audited', async () => {
    expect(await call('DELETE', '/api/v1/screens/late-1')).toMatchObject({ status: 200, body: { ok: true } });
    expect((await call('GET', '/api/v1/screens')).body.screens).toEqual([]);
    expect(await call('GET', '/api/v1/screens/late-1/commands')).toMatchObject({ status: 404 });
    expect(await call('DELETE', '/api/v1/screens/late-1')).toMatchObject({ status: 404, body: { field: 'id' } });
    expect((await auditEntries(hub, 'screen.removed')).map((e) => [e.actor, e.target])).toEqual([['admin', 'late-1']]);
  });
});
