/**
 * The admin console's server side, on a real hub and Redis: changing a user's role and departments
 * (never demoting or disabling the last admin), ending a user's sessions, the last sign-in, and the
 * tokens' scope edits, last use and last event.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../../server/hub.ts';
import { auditEntries, signInFrom } from '../auth/auth-test-hub.ts';
import { ev } from '../helpers/events.ts';
import { at, fixedClock, instant } from '../helpers/test-clock.ts';
import { postEvents, startTestHub, testPrefix } from '../helpers/test-hub.ts';

const ADMIN_PASSWORD = 'admin-pass-users-01';
let hub: Hub;
let cookie: string;

async function call(method: string, path: string, body?: unknown, asCookie = cookie): Promise<{ status: number; body: any }> {
  const res = await fetch(`${hub.url}${path}`, {
    method,
    headers: { cookie: asCookie, origin: hub.url, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: await res.json().catch(() => null) };
}

beforeAll(async () => {
  // a clock that stands still: ending sessions must not depend on time passing
  hub = await startTestHub(testPrefix(), { now: fixedClock('10:00'), env: { ADMIN_PASSWORD, SCREEN_TOKENS: 'lobby=lobby-token-0001:center:yiyang' } });
  cookie = (await signInFrom(hub, 'admin', ADMIN_PASSWORD)).cookie!;
}, 60_000);
afterAll(async () => {
  await hub?.stop();
});

describe('users', () => {
  it('changes role and departments, audits before and after, and shows the last sign-in', async () => {
    expect((await call('POST', '/api/v1/users', { username: 'wangfang', password: 'wangfang-pass-01', role: 'leader' })).status).toBe(201);
    const changed = await call('PATCH', '/api/v1/users/wangfang', { role: 'supervisor', depts: ['yiyang.hrss'] });
    expect(changed).toMatchObject({ status: 200, body: { user: { username: 'wangfang', role: 'supervisor', depts: ['yiyang.hrss'] } } });
    const entry = (await auditEntries(hub, 'user.changed')).at(-1)!;
    expect(entry).toMatchObject({
      actor: 'admin',
      target: 'wangfang',
      detail: { before: { role: 'leader' }, after: { role: 'supervisor', depts: ['yiyang.hrss'] } },
    });

    await signInFrom(hub, 'wangfang', 'wangfang-pass-01');
    const { body } = await call('GET', '/api/v1/users');
    const listed = body.users.find((u: { username: string }) => u.username === 'wangfang');
    expect(listed).toMatchObject({ role: 'supervisor', disabled: false, lastSignIn: instant('10:00') });
  });

  it('refuses bad changes with the field at fault, and changes nothing', async () => {
    expect(await call('PATCH', '/api/v1/users/wangfang', { role: 'root' })).toMatchObject({ status: 400, body: { field: 'role' } });
    expect(await call('PATCH', '/api/v1/users/wangfang', { depts: ['nowhere.dept'] })).toMatchObject({ status: 400, body: { field: 'depts' } });
    expect(await call('PATCH', '/api/v1/users/wangfang', { depts: [] })).toMatchObject({ status: 400, body: { field: 'depts' } });
    expect(await call('PATCH', '/api/v1/users/wangfang', { extra: 1 })).toMatchObject({ status: 400 });
    expect((await call('PATCH', '/api/v1/users/nobody', { role: 'leader' })).status).toBe(400);
    const { body } = await call('GET', '/api/v1/users');
    expect(body.users.find((u: { username: string }) => u.username === 'wangfang')).toMatchObject({ role: 'supervisor', depts: ['yiyang.hrss'] });
  });

  it('never demotes or disables the last enabled admin (409), but does once another admin exists', async () => {
    expect(await call('PATCH', '/api/v1/users/admin', { role: 'leader' })).toMatchObject({ status: 409, body: { code: 'last-admin' } });
    expect(await call('POST', '/api/v1/users/admin/disabled', { disabled: true })).toMatchObject({ status: 409, body: { code: 'last-admin' } });
    expect((await call('POST', '/api/v1/users', { username: 'admin2', password: 'admin2-password-01', role: 'admin' })).status).toBe(201);
    expect((await call('PATCH', '/api/v1/users/admin2', { role: 'leader' })).status).toBe(200);
    expect(await call('PATCH', '/api/v1/users/admin', { role: 'leader' })).toMatchObject({ status: 409 });
  });

  it('ends every session of a user: their next request is unauthenticated, a new sign-in works', async () => {
    const first = (await signInFrom(hub, 'wangfang', 'wangfang-pass-01')).cookie!;
    const second = (await signInFrom(hub, 'wangfang', 'wangfang-pass-01')).cookie!;
    expect((await call('GET', '/api/v1/session', undefined, first)).status).toBe(200);
    const ended = await call('POST', '/api/v1/users/wangfang/sessions/end', {});
    expect(ended.status).toBe(200);
    expect(ended.body.ended).toBeGreaterThanOrEqual(2);
    expect((await call('GET', '/api/v1/session', undefined, first)).status).toBe(401);
    expect((await call('GET', '/api/v1/session', undefined, second)).status).toBe(401);
    expect((await auditEntries(hub, 'user.sessions-ended')).at(-1)).toMatchObject({ actor: 'admin', target: 'wangfang' });
    const again = (await signInFrom(hub, 'wangfang', 'wangfang-pass-01')).cookie!;
    expect((await call('GET', '/api/v1/session', undefined, again)).status).toBe(200);
    expect((await call('POST', '/api/v1/users/nobody/sessions/end', {})).status).toBe(404);
  });
});

describe('tokens', () => {
  it('creates a token for a new source by rotating, edits its scope without changing it, and refuses an environment token (409)', async () => {
    const created = await call('POST', '/api/v1/tokens/ingest/kiosk/rotate', { centers: ['yiyang'] });
    expect(created.status).toBe(200);
    const token = created.body.token as string;
    const scoped = await call('PATCH', '/api/v1/tokens/ingest/kiosk', { types: ['rating.*'] });
    expect(scoped).toMatchObject({ status: 200, body: { centers: ['yiyang'], types: ['rating.*'] } });
    // the same token still sends, within its new scope
    const sent = await fetch(`${hub.url}/api/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify([{ ...ev.rating(at('09:30'), 5), source: 'kiosk' }]),
    });
    expect(sent.status).toBe(202);
    expect((await call('PATCH', '/api/v1/tokens/ingest/kiosk', { types: ['no.such'] })).status).toBe(400);
    expect((await call('PATCH', '/api/v1/tokens/ingest/kiosk', { centers: 'yiyang' })).body.field).toBe('centers');
    expect(await call('PATCH', '/api/v1/tokens/ingest/queue', { centers: ['yiyang'] })).toMatchObject({ status: 409, body: { code: 'env-token' } });
    expect((await auditEntries(hub, 'token.ingest.scope-changed')).at(-1)).toMatchObject({
      target: 'kiosk',
      detail: { before: { types: null }, after: { types: ['rating.*'] } },
    });
  });

  it("edits a screen token's scope, keeping the environment's token working", async () => {
    expect((await call('PATCH', '/api/v1/tokens/screen/lobby', { scope: 'dept:yiyang.hrss' })).status).toBe(200);
    expect((await call('PATCH', '/api/v1/tokens/screen/lobby', { scope: 'nowhere' })).body.field).toBe('scope');
    expect((await call('PATCH', '/api/v1/tokens/screen/ghost', { scope: null })).status).toBe(409);
    const res = await fetch(`${hub.url}/api/v1/snapshot?scope=dept:yiyang.hrss`, { headers: { authorization: 'Bearer lobby-token-0001' } });
    expect(res.status).toBe(200);
    const outside = await fetch(`${hub.url}/api/v1/snapshot?scope=center:yiyang`, { headers: { authorization: 'Bearer lobby-token-0001' } });
    expect(outside.status).toBe(403);
  });

  it('lists when each token was last used and the source’s last event', async () => {
    expect((await postEvents(hub, 'rating', [ev.rating(at('09:40'), 4)])).status).toBe(202);
    const { body } = await call('GET', '/api/v1/tokens');
    const rating = body.ingest.find((t: { name: string }) => t.name === 'rating');
    expect(rating.lastUsed).toBe(instant('10:00'));
    expect(rating.lastEventAt).toBe(instant('10:00'));
    expect(body.ingest.find((t: { name: string }) => t.name === 'fee')).toMatchObject({ lastUsed: null, lastEventAt: null });
    expect(body.screen.find((t: { name: string }) => t.name === 'lobby')).toMatchObject({ scope: 'dept:yiyang.hrss', lastUsed: instant('10:00') });
  });
});
