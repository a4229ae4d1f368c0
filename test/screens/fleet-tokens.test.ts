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
import { waitFor } from '../helpers/wait-for.ts';
import { rawSocket } from '../realtime/live-helpers.ts';

const ADMIN_PASSWORD = 'admin-pass-fleet-tok-1';
const LOBBY_TOKEN = 'lobby-screen-token-fleet-1';
let hub: Hub;
let cookie: string;

const report = (id?: string) => ({
  ...(id ? { id } : {}),
  page: '/screens/hall',
  scopes: ['center:yiyang'],
  canvas: null,
  viewport: { w: 1920, h: 1080 },
  build: 'hall-test',
  uptimeS: 1,
  heapMB: null,
  heapLimitMB: null,
  fps: null,
  lastUpdateAgeS: null,
  reconnects: 0,
});

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
    const socket = rawSocket(hub.url, LOBBY_TOKEN);
    await waitFor('connected', () => socket.connected);
    expect(await socket.timeout(5000).emitWithAck('screen:report', report('ceo-office'))).toEqual({ ok: true });
    const list = await screens();
    expect(list.map((s) => [s.id, s.via, s.group])).toEqual([['lobby-3', 'token', 'lobby']]);
    socket.close();
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
