/**
 * Who a report counts for (docs/screens.md#the-fleet): with screen tokens, the token's name is the
 * screen's id whatever the report says, and a token screen is told apart from a `?screen=` one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FleetAnswer } from '../../common/fleet.ts';
import type { Hub } from '../../server/hub.ts';
import { signInFrom } from '../auth/auth-test-hub.ts';
import { testNow } from '../helpers/test-clock.ts';
import { startTestHub, testPrefix } from '../helpers/test-hub.ts';
import { rawSocket } from '../realtime/live-helpers.ts';
import { reportingScreen, screenReport } from './fleet-screens.ts';

const ADMIN_PASSWORD = 'admin-pass-fleet-tok-1';
const LOBBY_TOKEN = 'lobby-screen-token-fleet-1';
let hub: Hub;
let cookie: string;

const screens = async () => ((await (await fetch(`${hub.url}/api/v1/screens`, { headers: { cookie } })).json()) as FleetAnswer).screens;

beforeAll(async () => {
  hub = await startTestHub(testPrefix(), { now: testNow, env: { ADMIN_PASSWORD, SCREEN_TOKENS: `lobby-3=${LOBBY_TOKEN}:center:yiyang` } });
  cookie = (await signInFrom(hub, 'admin', ADMIN_PASSWORD)).cookie!;
}, 60_000);
afterAll(async () => {
  await hub?.stop();
});

describe('fleet ids with screen tokens', () => {
  it('names a token screen after its token, whatever it says', async () => {
    const screen = await reportingScreen(hub.url, screenReport({ id: 'ceo-office', scopes: ['center:yiyang'] }), LOBBY_TOKEN);
    const list = await screens();
    expect(list.map((s) => [s.id, s.via, s.group])).toEqual([['lobby-3', 'token', 'lobby']]);
    screen.close();
  });

  it('lets no unnamed socket in at all (the handshake needs a token or a session)', async () => {
    const socket = rawSocket(hub.url);
    const refused = await new Promise<string>((resolve) =>
      socket.on('connect_error', (err) => resolve((err as Error & { data?: { code?: string } }).data?.code ?? '')),
    );
    expect(refused).toBe('token-required');
    socket.close();
    expect((await screens()).map((s) => s.id)).toEqual(['lobby-3']);
  });
});
