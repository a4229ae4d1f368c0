/** Users, sessions, lockout, the admin API, tokens (rotation across hub processes) and the audit trail. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import type { Hub } from '../../server/hub.ts';
import { handshakeCredentials, type HandshakeLike } from '../../server/identity/credentials.ts';
import { UnknownTokenError } from '../../server/identity/identity.ts';
import { ev } from '../helpers/events.ts';
import { at } from '../helpers/test-clock.ts';
import { TOKENS, postEvents, redisPort, testPrefix } from '../helpers/test-hub.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { ADMIN_PASSWORD, addUser, api, signIn, startAlertHub, TestClock } from '../alerts/alert-hub.ts';

const run = promisify(execFile);
const hubs: Hub[] = [];
afterEach(async () => {
  for (const h of hubs.splice(0)) await h.stop();
});
const clock = new TestClock(at('09:00'));
async function hub(prefix = testPrefix()): Promise<Hub> {
  const h = await startAlertHub(prefix, clock);
  hubs.push(h);
  return h;
}
async function ingest(h: Hub, token: string): Promise<number> {
  const res = await fetch(`${h.url}/api/v1/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify([ev.issued(at('09:00'), 'A001', 'yiyang.agri')]),
  });
  return res.status;
}

describe('sign-in and sessions', () => {
  it('creates the first admin from ADMIN_PASSWORD and signs in with an httpOnly SameSite cookie', async () => {
    const h = await hub();
    const res = await api(h, 'POST', '/api/v1/session', { body: { username: 'admin', password: ADMIN_PASSWORD } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: true, user: { username: 'admin', role: 'admin' } });
    // set with res.cookie(): the attributes in its order, and an Expires beside Max-Age
    const [pair, ...attributes] = res.setCookie!.split('; ');
    expect(pair).toMatch(/^yg_session=[A-Za-z0-9_-]{40,}$/);
    expect(attributes.filter((a) => !a.startsWith('Expires=')).sort()).toEqual(['HttpOnly', 'Max-Age=43200', 'Path=/', 'SameSite=Strict']);
    const cookie = res.setCookie!.split(';')[0]!;
    expect((await api(h, 'GET', '/api/v1/session', { cookie })).body.user.username).toBe('admin');
    expect((await api(h, 'DELETE', '/api/v1/session', { cookie })).status).toBe(200);
    expect((await api(h, 'GET', '/api/v1/session', { cookie })).status).toBe(401);
  });

  it('audits every sign-in, failed or not, and never the password', async () => {
    const h = await hub();
    expect((await api(h, 'POST', '/api/v1/session', { body: { username: 'admin', password: 'wrong-password-x' } })).status).toBe(401);
    const cookie = await signIn(h, 'admin', ADMIN_PASSWORD);
    const { body } = await api(h, 'GET', '/api/v1/audit?action=signin', { cookie }).then(async (ok) => ({
      body: { entries: [...ok.body.entries, ...(await api(h, 'GET', '/api/v1/audit?action=signin.failed', { cookie })).body.entries] },
    }));
    expect(body.entries.map((e: { action: string; actor: string }) => [e.action, e.actor])).toEqual([
      ['signin', 'admin'],
      ['signin.failed', 'admin'],
    ]);
    expect(body.entries[1]).toMatchObject({ ip: expect.stringMatching(/127\.0\.0\.1/), detail: { reason: 'password', failures: 1 } });
    const raw = JSON.stringify(await h.redis.xrange(h.keys.audit, '-', '+'));
    expect(raw).not.toContain('wrong-password-x');
    expect(raw).not.toContain(ADMIN_PASSWORD);
  });

  it('locks a user name out from an address after 5 failures in 15 minutes, even with the right password', async () => {
    const h = await hub();
    for (let i = 0; i < 5; i++)
      expect((await api(h, 'POST', '/api/v1/session', { body: { username: 'admin', password: `guess-${i}-xxxx` } })).status).toBe(401);
    const locked = await api(h, 'POST', '/api/v1/session', { body: { username: 'admin', password: ADMIN_PASSWORD } });
    expect(locked.status).toBe(429);
    expect(locked.body.error).toMatch(/too many failed sign-ins/);
    // another user name is not locked
    await h.auth.users.create({ username: 'other', password: 'other-password', role: 'leader' });
    expect((await api(h, 'POST', '/api/v1/session', { body: { username: 'other', password: 'other-password' } })).status).toBe(200);
  });

  it('ends the sessions of a user whose password changes', async () => {
    const h = await hub();
    const cookie = await addUser(h, 'zhang', 'supervisor', ['yiyang.agri']);
    expect((await api(h, 'GET', '/api/v1/session', { cookie })).status).toBe(200);
    clock.advance(1000);
    await h.auth.users.setPassword('zhang', 'a-new-password');
    expect((await api(h, 'GET', '/api/v1/session', { cookie })).status).toBe(401);
  });
});

describe('admin API', () => {
  it('lets only admins add users, and checks role and departments', async () => {
    const h = await hub();
    const admin = await signIn(h, 'admin', ADMIN_PASSWORD);
    const sup = await addUser(h, 'sup', 'supervisor', ['yiyang.agri']);
    const user = { username: 'li', password: 'li-password-1', role: 'supervisor', depts: ['yiyang.market'], name: '李四' };
    expect((await api(h, 'POST', '/api/v1/users', { cookie: sup, body: user })).status).toBe(403);
    expect((await api(h, 'POST', '/api/v1/users', { body: user })).status).toBe(401);
    expect((await api(h, 'POST', '/api/v1/users', { cookie: admin, body: { ...user, depts: ['nowhere'] } })).body).toMatchObject({ field: 'depts' });
    expect((await api(h, 'POST', '/api/v1/users', { cookie: admin, body: { ...user, password: 'short' } })).body).toMatchObject({ field: 'password' });
    expect((await api(h, 'POST', '/api/v1/users', { cookie: admin, body: user })).status).toBe(201);
    expect((await api(h, 'POST', '/api/v1/users', { cookie: admin, body: user })).status).toBe(400);
    const list = await api(h, 'GET', '/api/v1/users', { cookie: admin });
    expect(list.body.users.find((u: { username: string }) => u.username === 'li')).toEqual({
      username: 'li',
      name: '李四',
      role: 'supervisor',
      depts: ['yiyang.market'],
      createdAt: clock.t,
      disabled: false,
      lastSignIn: null,
    });
    expect(JSON.stringify(list.body)).not.toContain('argon2');
    expect((await signIn(h, 'li', 'li-password-1')).startsWith('yg_session=')).toBe(true);
  });
});

describe('tokens', () => {
  it('stops an ingest token on every hub within seconds of its rotation, and takes the new one', async () => {
    const prefix = testPrefix();
    const [a, b] = [await hub(prefix), await hub(prefix)];
    expect(await ingest(b, TOKENS.queue)).toBe(202);
    const admin = await signIn(a, 'admin', ADMIN_PASSWORD);
    const rotated = await api(a, 'POST', '/api/v1/tokens/ingest/queue/rotate', { cookie: admin });
    expect(rotated.body).toMatchObject({ ok: true, source: 'queue', token: expect.stringMatching(/^[A-Za-z0-9_-]{32}$/) });
    expect(await ingest(a, TOKENS.queue)).toBe(401);
    await waitFor('hub b to refuse the rotated token', async () => (await ingest(b, TOKENS.queue)) === 401, 5000, 100);
    expect(await ingest(b, rotated.body.token)).toBe(202);
    // revoked: nothing for that source works any more; other sources are untouched
    await api(a, 'POST', '/api/v1/tokens/ingest/queue/revoke', { cookie: admin });
    expect(await ingest(a, rotated.body.token)).toBe(401);
    expect((await postEvents(a, 'rating', [ev.rating(at('09:00'), 5)])).status).toBe(202);
    const tokens = await api(a, 'GET', '/api/v1/tokens', { cookie: admin });
    expect(tokens.body.ingest.find((t: { name: string }) => t.name === 'queue')).toMatchObject({ origin: 'revoked', by: 'admin' });
    const audit = await api(a, 'GET', '/api/v1/audit?action=token.', { cookie: admin });
    expect(audit.body.entries.map((e: { action: string; target: string }) => [e.action, e.target])).toEqual([
      ['token.ingest.revoked', 'queue'],
      ['token.ingest.rotated', 'queue'],
    ]);
    expect(JSON.stringify(await a.redis.xrange(a.keys.audit, '-', '+'))).not.toContain(rotated.body.token);
  });

  it('resolves a Socket.IO handshake from the session cookie, or a rotated screen token', async () => {
    const h = await hub();
    const resolve = (handshake: HandshakeLike) => h.auth.identity.resolve(handshakeCredentials(handshake));
    const cookie = await addUser(h, 'boss', 'leader');
    expect(await resolve({ headers: { cookie } })).toMatchObject({ kind: 'user', user: { username: 'boss', role: 'leader' } });
    const token = await h.auth.tokens.rotateScreen('hall-1', 'center:yiyang', { actor: 'test', ip: '' });
    expect(await resolve({ headers: {}, auth: { token } })).toEqual({ kind: 'screen', name: 'hall-1', scope: 'center:yiyang' });
    await expect(resolve({ headers: {}, auth: { token: 'not-a-token' } })).rejects.toThrow(UnknownTokenError);
    expect(await resolve({ headers: {} })).toEqual({ kind: 'anonymous' });
  });
});

describe('admin CLI', () => {
  it('adds a user, rotates an ingest token and lists the audit from the shell', async () => {
    const prefix = testPrefix();
    const h = await hub(prefix);
    const env = {
      ...process.env,
      REDIS_URL: `redis://127.0.0.1:${redisPort()}`,
      REDIS_PREFIX: prefix,
      INGEST_TOKENS: `queue=${TOKENS.queue}`,
      LOG_LEVEL: 'silent',
    };
    const cli = (...args: string[]) => run('node_modules/.bin/tsx', ['scripts/admin.ts', ...args], { env });
    expect((await cli('add-user', 'wang', '--role', 'supervisor', '--depts', 'yiyang.agri', '--name', '王五', '--password', 'wang-password')).stdout).toMatch(
      /added supervisor wang \(yiyang.agri\)/,
    );
    expect((await api(h, 'POST', '/api/v1/session', { body: { username: 'wang', password: 'wang-password' } })).body.user).toMatchObject({
      name: '王五',
      depts: ['yiyang.agri'],
    });
    const token = (await cli('rotate-ingest-token', 'queue')).stdout.trim();
    await h.auth.tokens.refresh();
    expect(await ingest(h, token)).toBe(202);
    expect(await ingest(h, TOKENS.queue)).toBe(401);
    expect((await cli('list-users')).stdout).toMatch(/wang\tsupervisor\tyiyang.agri\t王五/);
    const audit = (await cli('audit', '--limit', '5')).stdout;
    expect(audit).toMatch(/cli:\S+\ttoken.ingest.rotated\tqueue/);
    await expect(cli('add-user', 'x')).rejects.toMatchObject({ stderr: expect.stringMatching(/add-user needs --role/) });
  }, 120_000);
});
