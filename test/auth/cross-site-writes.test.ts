/**
 * A write that carries the session cookie must come from a page of this hub (its Origin, one of
 * ALLOWED_ORIGINS, or `Sec-Fetch-Site: same-origin`) and send JSON; anything else is refused
 * before the route runs, and nothing changes. The screens may connect to their own origin only.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../../server/hub.ts';
import { prepareScreens } from '../helpers/browser.ts';
import { ADMIN_PASSWORD, auditEntries, signInFrom, startAuthHub } from './auth-test-hub.ts';

const EVIL = 'http://evil.example';

interface Write {
  method: 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  body?: unknown;
}

/** Every write a signed-in browser can make (docs/auth.md, docs/alerts.md). */
const WRITES: Write[] = [
  { method: 'POST', path: '/api/v1/users', body: { username: 'mallory', password: 'mallory-pass-1', role: 'admin' } },
  { method: 'POST', path: '/api/v1/users/admin/password', body: { password: 'taken-over-1' } },
  { method: 'POST', path: '/api/v1/users/admin/disabled', body: { disabled: true } },
  { method: 'PATCH', path: '/api/v1/users/admin', body: { role: 'leader' } },
  { method: 'POST', path: '/api/v1/users/admin/sessions/end' },
  { method: 'POST', path: '/api/v1/tokens/ingest/queue/rotate' },
  { method: 'POST', path: '/api/v1/tokens/ingest/queue/revoke' },
  { method: 'POST', path: '/api/v1/tokens/screen/x/rotate', body: { scope: 'city' } },
  { method: 'POST', path: '/api/v1/tokens/screen/x/revoke' },
  { method: 'PATCH', path: '/api/v1/tokens/screen/x', body: { scope: 'city' } },
  { method: 'PATCH', path: '/api/v1/tokens/ingest/queue', body: { centers: ['yiyang'] } },
  { method: 'POST', path: '/api/v1/alerts/1/ack' },
  { method: 'POST', path: '/api/v1/alerts/1/resolve', body: { note: 'done' } },
  { method: 'POST', path: '/api/v1/alerts/1/escalate', body: {} },
  { method: 'PUT', path: '/api/v1/admin/config/hall', body: { notices: [] } },
  { method: 'POST', path: '/api/v1/admin/config/alerts/preview', body: {} },
  { method: 'POST', path: '/api/v1/admin/notify/channels/x/test' },
  { method: 'POST', path: '/api/v1/screens/hall-1/commands', body: { command: 'reload' } },
  { method: 'POST', path: '/api/v1/screens/commands', body: { group: 'hall', command: 'reload' } },
  { method: 'DELETE', path: '/api/v1/screens/hall-1' },
  { method: 'POST', path: '/api/v1/reviews/1/follow-up', body: { result: '无法联系' } },
  { method: 'DELETE', path: '/api/v1/session' },
];

describe('cross-site writes', () => {
  let hub: Hub;
  let cookie: string;
  const send = (w: Write, headers: Record<string, string>, body: string | undefined = w.body === undefined ? undefined : JSON.stringify(w.body)) =>
    fetch(`${hub.url}${w.path}`, { method: w.method, headers: { cookie, ...headers }, ...(body !== undefined ? { body } : {}) });
  const state = async () => ({
    audit: (await auditEntries(hub)).length,
    tokens: await hub.redis.hgetall(hub.keys.screenTokenStore),
    ingest: await hub.redis.hgetall(hub.keys.ingestTokenStore),
    users: (await hub.auth.users.list()).map((u) => [u.username, u.disabled, u.role]),
    session: (await fetch(`${hub.url}/api/v1/session`, { headers: { cookie } })).status,
  });

  beforeAll(async () => {
    hub = await startAuthHub({ env: { ALLOWED_ORIGINS: 'https://console.example.cn' } });
    const signedIn = await signInFrom(hub, 'admin', ADMIN_PASSWORD);
    expect(signedIn.status).toBe(200);
    cookie = signedIn.cookie!;
  });
  afterAll(async () => {
    await hub.stop();
  });

  it('refuses the rotation from the issue (admin cookie, Origin evil.example, text/plain) with 403, and changes nothing', async () => {
    const before = await state();
    const res = await send({ method: 'POST', path: '/api/v1/tokens/screen/x/rotate' }, { origin: EVIL, 'content-type': 'text/plain' }, '{"scope":"city"}');
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: expect.stringMatching(/page of this hub/), field: 'origin' });
    expect(await state()).toEqual(before);
    expect(before.tokens).toEqual({});
  });

  it('refuses every cookie write from another origin or without proof of origin, JSON or not', async () => {
    const before = await state();
    const refusals: Record<string, string>[] = [
      { origin: EVIL, 'content-type': 'application/json' },
      { origin: EVIL, 'content-type': 'application/json', 'sec-fetch-site': 'same-origin' },
      { origin: 'null', 'content-type': 'application/json' },
      { origin: `${hub.url}.evil.example`, 'content-type': 'application/json' },
      { origin: hub.url.replace('http:', 'ftp:'), 'content-type': 'application/json' },
      { 'content-type': 'application/json' },
      { 'content-type': 'application/json', 'sec-fetch-site': 'same-site' },
      { 'content-type': 'application/json', 'sec-fetch-site': 'cross-site' },
      { origin: EVIL, 'content-type': 'application/x-www-form-urlencoded' },
    ];
    for (const w of WRITES) {
      for (const headers of refusals) {
        const res = await send(w, headers);
        expect(res.status, `${w.method} ${w.path} ${JSON.stringify(headers)}`).toBe(403);
      }
    }
    expect(await state()).toEqual(before);
  });

  it('refuses a same-origin write whose body is not declared JSON with 415', async () => {
    const before = await state();
    const rotate: Write = { method: 'POST', path: '/api/v1/tokens/screen/x/rotate' };
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', undefined]) {
      const res = await send(rotate, { origin: hub.url, ...(type ? { 'content-type': type } : {}) }, '{"scope":"city"}');
      expect(res.status, String(type)).toBe(415);
      expect(await res.json()).toMatchObject({ field: 'content-type' });
    }
    // a POST without a body must still say JSON (a cross-site page can send a bodiless POST)
    expect((await send({ method: 'POST', path: '/api/v1/tokens/screen/x/revoke' }, { origin: hub.url })).status).toBe(415);
    expect(await state()).toEqual(before);
  });

  it("accepts the hub's own pages: same Origin, Sec-Fetch-Site same-origin, ALLOWED_ORIGINS, and the Host a proxy passes on", async () => {
    const rotate = (headers: Record<string, string>) => send({ method: 'POST', path: '/api/v1/tokens/screen/x/rotate', body: { scope: 'city' } }, headers);
    const accepted: Record<string, string>[] = [
      { origin: hub.url, 'content-type': 'application/json' },
      { origin: hub.url, 'content-type': 'application/json; charset=utf-8' },
      { 'sec-fetch-site': 'same-origin', 'content-type': 'application/json' },
      { origin: 'https://console.example.cn', 'content-type': 'application/json' },
    ];
    for (const headers of accepted) {
      const res = await rotate(headers);
      expect(res.status, JSON.stringify(headers)).toBe(200);
      expect(await res.json()).toMatchObject({ ok: true, name: 'x', token: expect.any(String) });
    }
    // behind nginx (proxy_set_header Host $host) the page's origin is the public name, as is Host
    const viaProxy = await new Promise<number>((resolve, reject) => {
      const req = http.request(
        `${hub.url}/api/v1/tokens/screen/x/revoke`,
        {
          method: 'POST',
          headers: { host: 'screens.example.cn', origin: 'https://screens.example.cn', cookie, 'content-type': 'application/json', 'content-length': '2' },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end('{}');
    });
    expect(viaProxy).toBe(200);
    const actions = (await auditEntries(hub)).map((e) => e.action).filter((a) => a.startsWith('token.'));
    expect(actions).toEqual(['token.screen.rotated', 'token.screen.rotated', 'token.screen.rotated', 'token.screen.rotated', 'token.screen.revoked']);
  });

  it('leaves requests without the session cookie to the routes: a program signs in without an Origin', async () => {
    expect((await signInFrom(hub, 'admin', ADMIN_PASSWORD)).status).toBe(200);
    // and a write without the cookie is simply not signed in
    const res = await fetch(`${hub.url}/api/v1/tokens/screen/x/rotate`, {
      method: 'POST',
      headers: { origin: EVIL, 'content-type': 'text/plain' },
      body: '{}',
    });
    expect(res.status).toBe(401);
  });

  it("signs out only from the hub's own page; a sign-out without a body needs no content type", async () => {
    const { cookie: own } = await signInFrom(hub, 'admin', ADMIN_PASSWORD);
    const out = (headers: Record<string, string>) => fetch(`${hub.url}/api/v1/session`, { method: 'DELETE', headers: { cookie: own!, ...headers } });
    expect((await out({ origin: EVIL })).status).toBe(403);
    expect((await fetch(`${hub.url}/api/v1/session`, { headers: { cookie: own! } })).status).toBe(200);
    const textBody = await fetch(`${hub.url}/api/v1/session`, {
      method: 'DELETE',
      headers: { cookie: own!, origin: hub.url, 'content-type': 'text/plain' },
      body: '{}',
    });
    expect(textBody.status).toBe(415);
    expect((await out({ origin: hub.url })).status).toBe(200);
    expect((await fetch(`${hub.url}/api/v1/session`, { headers: { cookie: own! } })).status).toBe(401);
  });
});

describe('content security policy', () => {
  let hub: Hub;
  beforeAll(async () => {
    await prepareScreens();
    hub = await startAuthHub();
  }, 120_000);
  afterAll(async () => {
    await hub.stop();
  });

  const directive = (csp: string | null, name: string) =>
    (csp ?? '')
      .split(';')
      .map((d) => d.trim())
      .find((d) => d.startsWith(`${name} `));

  it('lets the screens connect to their own origin only', async () => {
    for (const screen of ['hall', 'window/yiyang.w001', 'cockpit', 'supervisor']) {
      const res = await fetch(`${hub.url}/screens/${screen}`);
      expect(res.status, screen).toBe(200);
      expect(directive(res.headers.get('content-security-policy'), 'connect-src'), screen).toBe("connect-src 'self'");
    }
  });

  it('says the same for everything else the hub serves to browsers', async () => {
    const res = await fetch(`${hub.url}/api/v1/catalog`);
    expect(directive(res.headers.get('content-security-policy'), 'connect-src')).toBe("connect-src 'self'");
  });
});
