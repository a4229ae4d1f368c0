import path from 'node:path';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIVE_NAMESPACE } from '../../common/live.ts';
import { loadCatalog } from '../../server/catalog/load-catalog.ts';
import type { Hub } from '../../server/hub.ts';
import { mayRead } from '../../server/realtime/principal.ts';
import { parseScreenTokens, ScreenTokenConfigError } from '../../server/realtime/screen-tokens.ts';
import { startTestHub, testPrefix } from '../helpers/test-hub.ts';
import { emitAck, rawSocket, waitFor } from './live-helpers.ts';

const SCREEN_TOKENS = 'hall=hall-token-0001:center:yiyang,win1=window-token-01:window:yiyang.w001,cockpit=cockpit-token-01';

/** Connects and resolves with 'connected' or the refusal's code. */
function connectOutcome(url: string, opts: { token?: string; origin?: string }): Promise<string> {
  const socket = io(`${url}${LIVE_NAMESPACE}`, {
    transports: ['websocket'], reconnection: false, forceNew: true,
    auth: opts.token ? { token: opts.token } : {},
    ...(opts.origin ? { extraHeaders: { origin: opts.origin } } : {}),
  });
  return new Promise((resolve) => {
    socket.on('connect', () => { socket.close(); resolve('connected'); });
    socket.on('connect_error', (err: Error & { data?: { code?: string } }) => { socket.close(); resolve(err.data?.code ?? err.message); });
  });
}

describe('/live handshake and scope rules', () => {
  let hub: Hub;
  beforeAll(async () => {
    hub = await startTestHub(testPrefix(), { env: { SCREEN_TOKENS, ALLOWED_ORIGINS: 'https://screens.example.cn' } });
  });
  afterAll(async () => { await hub.stop(); });

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
        expect(await new Promise((resolve) => emitRaw.emit(action, { id: 'x' }, resolve))).toMatchObject({ ok: false, error: expect.stringContaining('unknown event') });
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

  it('accepts no Origin, its own origin and ALLOWED_ORIGINS, and refuses other web pages', async () => {
    const token = 'hall-token-0001';
    expect(await connectOutcome(hub.url, { token })).toBe('connected');
    expect(await connectOutcome(hub.url, { token, origin: 'https://screens.example.cn' })).toBe('connected');
    expect(await connectOutcome(hub.url, { token, origin: hub.url })).toBe('connected');
    expect(await connectOutcome(hub.url, { token, origin: 'https://evil.example.com' })).not.toBe('connected');
  });
});

describe('scope rules', () => {
  const catalog = loadCatalog(path.resolve('config/catalog'));

  it('lets leaders and admins read any scope, supervisors only their departments and windows', () => {
    const leader = { kind: 'user' as const, user: { username: 'li', role: 'leader' as const } };
    const supervisor = { kind: 'user' as const, user: { username: 'wang', role: 'supervisor' as const, depts: ['yiyang.realestate'] } };
    expect(mayRead(leader, 'city', catalog)).toBe(true);
    expect(mayRead(leader, 'window:heshan.w001', catalog)).toBe(true);
    expect(mayRead({ kind: 'user', user: { username: 'admin', role: 'admin' } }, 'dept:heshan.realestate', catalog)).toBe(true);
    expect(mayRead(supervisor, 'dept:yiyang.realestate', catalog)).toBe(true);
    const ownWindow = catalog.catalog.windows.find((w) => w.dept === 'yiyang.realestate')!;
    expect(mayRead(supervisor, `window:${ownWindow.code}`, catalog)).toBe(true);
    expect(mayRead(supervisor, 'dept:yiyang.tax', catalog)).toBe(false);
    expect(mayRead(supervisor, 'center:yiyang', catalog)).toBe(false);
  });

  it('stops the start on a screen token entry that is malformed, short, reused or outside the catalog', () => {
    expect(() => parseScreenTokens('hall', catalog)).toThrow(ScreenTokenConfigError);
    expect(() => parseScreenTokens('hall=short', catalog)).toThrow(/shorter than 8/);
    expect(() => parseScreenTokens('a=same-token-1,b=same-token-1', catalog)).toThrow(/reuses/);
    expect(() => parseScreenTokens('hall=long-enough-1:center:atlantis', catalog)).toThrow(/not in the catalog/);
    expect(parseScreenTokens('hall=long-enough-1:dept:yiyang.realestate', catalog).get('long-enough-1')).toEqual({ name: 'hall', scope: 'dept:yiyang.realestate' });
  });
});
