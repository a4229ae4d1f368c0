import path from 'node:path';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIVE_NAMESPACE } from '../../common/live.ts';
import { loadCatalog } from '../../server/catalog/load-catalog.ts';
import { checkScreenTokenScopes } from '../../server/catalog/scopes.ts';
import { ConfigError, loadConfig } from '../../server/config/env.ts';
import type { Hub } from '../../server/hub.ts';
import { mayRead, type UserPrincipal } from '../../server/identity/principal.ts';
import { startTestHub, testPrefix, testRedis } from '../helpers/test-hub.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { emitAck, rawSocket, watchScope } from './live-helpers.ts';
import { startTcpProxy } from './tcp-proxy.ts';

const SCREEN_TOKENS =
  'hall=hall-token-0001:center:yiyang,win1=window-token-01:window:yiyang.w001,cockpit=cockpit-token-01,recover=recover-token-01:center:yiyang';

const ADMIN_PASSWORD = 'admin-pass-live-01';

async function signIn(hub: Hub, username: string, password: string): Promise<string> {
  const res = await fetch(`${hub.url}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  expect(res.status).toBe(200);
  return res.headers.get('set-cookie')!.split(';')[0]!;
}

/** Connects and resolves with 'connected' or the refusal's code. */
function connectOutcome(url: string, opts: { token?: string; origin?: string }): Promise<string> {
  const socket = io(`${url}${LIVE_NAMESPACE}`, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    auth: opts.token ? { token: opts.token } : {},
    ...(opts.origin ? { extraHeaders: { origin: opts.origin } } : {}),
  });
  return new Promise((resolve) => {
    socket.on('connect', () => {
      socket.close();
      resolve('connected');
    });
    socket.on('connect_error', (err: Error & { data?: { code?: string } }) => {
      socket.close();
      resolve(err.data?.code ?? err.message);
    });
  });
}

describe('/live handshake and scope rules', () => {
  let hub: Hub;
  beforeAll(async () => {
    hub = await startTestHub(testPrefix(), { env: { SCREEN_TOKENS, ALLOWED_ORIGINS: 'https://screens.example.cn', ADMIN_PASSWORD } });
  });
  afterAll(async () => {
    await hub.stop();
  });

  it('refuses a connection without a token, or with an unknown one, once screen tokens are set', async () => {
    expect(await connectOutcome(hub.url, {})).toBe('token-required');
    expect(await connectOutcome(hub.url, { token: 'guessed-token-01' })).toBe('token-invalid');
    expect(await connectOutcome(hub.url, { token: 'hall-token-0001' })).toBe('connected');
  });

  it('lets a center screen read its center and what lies inside it, and nothing else', async () => {
    const sock = rawSocket(hub.url, 'hall-token-0001');
    try {
      await waitFor('connect', () => sock.connected);
      for (const scope of ['center:yiyang', 'dept:yiyang.realestate', 'window:yiyang.w002']) {
        expect(await emitAck(sock, 'subscribe', scope)).toEqual({ ok: true });
      }
      for (const scope of ['city', 'center:heshan', 'dept:heshan.realestate']) {
        expect(await emitAck(sock, 'subscribe', scope)).toMatchObject({ ok: false });
      }
      expect(sock.snapshots.map((s) => s.scope)).toEqual(['center:yiyang', 'dept:yiyang.realestate', 'window:yiyang.w002']);
    } finally {
      sock.close();
    }
  });

  it('keeps a window screen on its window, and lets it emit nothing that acts on alerts', async () => {
    const sock = rawSocket(hub.url, 'window-token-01');
    try {
      await waitFor('connect', () => sock.connected);
      expect(await emitAck(sock, 'subscribe', 'window:yiyang.w001')).toEqual({ ok: true });
      expect(await emitAck(sock, 'subscribe', 'window:yiyang.w002')).toEqual({ ok: false, error: 'not allowed to read window:yiyang.w002' });
      expect(await emitAck(sock, 'subscribe', 'center:yiyang')).toMatchObject({ ok: false });
      const emitRaw = sock as unknown as { emit: (e: string, p: unknown, cb: (r: unknown) => void) => void };
      for (const action of ['alert:ack', 'alert:resolve', 'ack']) {
        expect(await new Promise((resolve) => emitRaw.emit(action, { id: 'x' }, resolve))).toMatchObject({
          ok: false,
          error: expect.stringContaining('unknown event'),
        });
      }
    } finally {
      sock.close();
    }
  });

  it('lets a screen token without a scope read the whole city', async () => {
    const sock = rawSocket(hub.url, 'cockpit-token-01');
    try {
      await waitFor('connect', () => sock.connected);
      expect(await emitAck(sock, 'subscribe', 'city')).toEqual({ ok: true });
      expect(await emitAck(sock, 'subscribe', 'center:heshan')).toEqual({ ok: true });
    } finally {
      sock.close();
    }
  });

  it('accepts a rotated screen token with its new scope and refuses the token it replaced', async () => {
    const admin = await signIn(hub, 'admin', ADMIN_PASSWORD);
    const res = await fetch(`${hub.url}/api/v1/tokens/screen/win1/rotate`, {
      method: 'POST',
      headers: { cookie: admin, origin: hub.url, 'content-type': 'application/json' },
      body: JSON.stringify({ scope: 'window:yiyang.w002' }),
    });
    const { token } = (await res.json()) as { token: string };
    await waitFor('the rotated token', async () => (await connectOutcome(hub.url, { token })) === 'connected');
    expect(await connectOutcome(hub.url, { token: 'window-token-01' })).toBe('token-invalid');
    const sock = rawSocket(hub.url, token);
    try {
      await waitFor('connect', () => sock.connected);
      expect(await emitAck(sock, 'subscribe', 'window:yiyang.w002')).toEqual({ ok: true });
      expect(await emitAck(sock, 'subscribe', 'window:yiyang.w001')).toMatchObject({ ok: false });
    } finally {
      sock.close();
    }
  });

  it('recovers a dropped connection through the adapter, and runs the auth again when it does', async () => {
    const proxy = await startTcpProxy(() => [hub.port]);
    const socket = io(`http://127.0.0.1:${proxy.port}${LIVE_NAMESPACE}`, {
      transports: ['websocket'],
      forceNew: true,
      auth: { token: 'recover-token-01' },
      reconnectionDelay: 100,
      reconnectionDelayMax: 200,
    });
    const redis = testRedis();
    // A recovering client names the last adapter-stream entry it saw. /live sends nothing through
    // the stream (room broadcasts such as alerts do), so add an entry without a namespace (the
    // adapter skips it) and hand its id to the client, as if it had received a broadcast.
    const lastEntry = async () => {
      const id = await redis.xadd(`${hub.keys.prefix}sio`, '*', 'test', 'offset');
      (socket as unknown as { _lastOffset: string })._lastOffset = id!;
    };
    try {
      await waitFor('connect', () => socket.connected);
      await lastEntry();
      proxy.cut(50);
      await waitFor('the drop', () => !socket.connected);
      await waitFor('recovery', () => socket.connected);
      expect(socket.recovered).toBe(true);

      const admin = await signIn(hub, 'admin', ADMIN_PASSWORD);
      expect(
        (
          await fetch(`${hub.url}/api/v1/tokens/screen/recover/revoke`, {
            method: 'POST',
            headers: { cookie: admin, origin: hub.url, 'content-type': 'application/json' },
          })
        ).status,
      ).toBe(200);
      await waitFor('revocation', async () => (await connectOutcome(hub.url, { token: 'recover-token-01' })) === 'token-invalid');
      const refused = new Promise<string>((resolve) =>
        socket.once('connect_error', (err: Error & { data?: { code?: string } }) => resolve(err.data?.code ?? err.message)),
      );
      await lastEntry();
      proxy.cut(50);
      expect(await refused).toBe('token-invalid');
      expect(socket.connected).toBe(false);
    } finally {
      socket.close();
      redis.disconnect();
      await proxy.close();
    }
  });

  it('runs the auth again when a live client reconnects, so a revoked token does not survive a reconnect', async () => {
    const proxy = await startTcpProxy(() => [hub.port]);
    const w = watchScope(`http://127.0.0.1:${proxy.port}`, 'center:yiyang', { token: 'hall-token-0001' });
    try {
      await waitFor('snapshot', () => w.state());
      const admin = await signIn(hub, 'admin', ADMIN_PASSWORD);
      expect(
        (
          await fetch(`${hub.url}/api/v1/tokens/screen/hall/revoke`, {
            method: 'POST',
            headers: { cookie: admin, origin: hub.url, 'content-type': 'application/json' },
          })
        ).status,
      ).toBe(200);
      await waitFor('revocation', async () => (await connectOutcome(hub.url, { token: 'hall-token-0001' })) === 'token-invalid');
      const before = proxy.connections().accepted;
      proxy.cut(50);
      await waitFor('the drop', () => !w.client.status().connected);
      // the client comes back through the proxy and is turned away: a connection after the cut, come and gone
      await waitFor('a refused reconnect', () => {
        const c = proxy.connections();
        return c.accepted > before && c.open === 0;
      });
      expect(w.client.status().connected).toBe(false);
      expect(w.client.status().reconnects).toBe(0);
    } finally {
      w.stop();
      await proxy.close();
    }
  });

  it('lets a signed-in supervisor read the departments they supervise, by session cookie', async () => {
    await hub.auth.users.create({ username: 'zhao', password: 'zhao-password-1', role: 'supervisor', depts: ['yiyang.tax'] });
    const cookie = await signIn(hub, 'zhao', 'zhao-password-1');
    const socket = io(`${hub.url}${LIVE_NAMESPACE}`, { transports: ['websocket'], reconnection: false, forceNew: true, extraHeaders: { cookie } });
    try {
      await waitFor('connect', () => socket.connected);
      const ask = (scope: string) => new Promise((resolve) => socket.emit('subscribe', { scope }, resolve));
      expect(await ask('dept:yiyang.tax')).toEqual({ ok: true });
      expect(await ask('dept:yiyang.realestate')).toMatchObject({ ok: false });
      expect(await ask('city')).toMatchObject({ ok: false });
    } finally {
      socket.close();
    }
  });

  it('accepts no Origin, its own origin and ALLOWED_ORIGINS, and refuses other web pages', async () => {
    const token = 'cockpit-token-01';
    expect(await connectOutcome(hub.url, { token })).toBe('connected');
    expect(await connectOutcome(hub.url, { token, origin: 'https://screens.example.cn' })).toBe('connected');
    expect(await connectOutcome(hub.url, { token, origin: hub.url })).toBe('connected');
    expect(await connectOutcome(hub.url, { token, origin: 'https://evil.example.com' })).not.toBe('connected');
  });
});

describe('scope rules', () => {
  const catalog = loadCatalog(path.resolve('config/catalog'));

  it('lets leaders and admins read any scope, supervisors only their departments and windows', () => {
    const leader: UserPrincipal = { kind: 'user', user: { username: 'li', name: '李', role: 'leader', depts: [] } };
    const supervisor: UserPrincipal = { kind: 'user', user: { username: 'wang', name: '王', role: 'supervisor', depts: ['yiyang.realestate'] } };
    expect(mayRead(leader, 'city', catalog)).toBe(true);
    expect(mayRead(leader, 'window:heshan.w001', catalog)).toBe(true);
    expect(mayRead({ kind: 'user', user: { username: 'admin', name: 'admin', role: 'admin', depts: [] } }, 'dept:heshan.realestate', catalog)).toBe(true);
    expect(mayRead(supervisor, 'dept:yiyang.realestate', catalog)).toBe(true);
    const ownWindow = catalog.catalog.windows.find((w) => w.dept === 'yiyang.realestate')!;
    expect(mayRead(supervisor, `window:${ownWindow.code}`, catalog)).toBe(true);
    expect(mayRead(supervisor, 'dept:yiyang.tax', catalog)).toBe(false);
    expect(mayRead(supervisor, 'center:yiyang', catalog)).toBe(false);
  });

  it('stops the start on a screen token entry that is malformed, short, reused or outside the catalog', async () => {
    const screenTokens = (SCREEN_TOKENS: string) => loadConfig({ SCREEN_TOKENS }).screenTokens;
    expect(() => screenTokens('hall')).toThrow(ConfigError);
    expect(() => screenTokens('hall=short')).toThrow(/shorter than 8/);
    expect(() => screenTokens('a=same-token-1,b=same-token-1')).toThrow(/reuses/);
    expect(() => screenTokens('hall=long-enough-1,hall=long-enough-2')).toThrow(/appears twice/);
    expect(() => screenTokens('hall=long-enough-1:centre:yiyang')).toThrow(/not a scope/);
    expect(() => checkScreenTokenScopes(screenTokens('hall=long-enough-1:center:atlantis'), catalog)).toThrow(/not in the catalog/);
    await expect(startTestHub(testPrefix(), { env: { SCREEN_TOKENS: 'hall=long-enough-1:center:atlantis' } })).rejects.toThrow(/not in the catalog/);
    expect(screenTokens('hall=long-enough-1:dept:yiyang.realestate').get('hall')).toEqual({ token: 'long-enough-1', scope: 'dept:yiyang.realestate' });
  });
});
