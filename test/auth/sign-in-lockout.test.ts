/**
 * The sign-in lockout is counted before the password is checked, atomically: parallel guesses
 * cannot all be checked. A limit per client address holds across user names. However many
 * requests a locked user name sends, the audit and Redis grow by a bounded amount: each lockout
 * becomes one audit entry with the count of the attempts it refused.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Hub } from '../../server/hub.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { ADMIN_PASSWORD, auditEntries, keysOf, signInFrom, startAuthHub } from './auth-test-hub.ts';

const hubs: Hub[] = [];
afterEach(async () => {
  for (const h of hubs.splice(0)) await h.stop();
});
async function hub(...args: Parameters<typeof startAuthHub>): Promise<Hub> {
  const h = await startAuthHub(...args);
  hubs.push(h);
  return h;
}
const statuses = (answers: { status: number }[]) => answers.reduce<Record<number, number>>((acc, a) => ({ ...acc, [a.status]: (acc[a.status] ?? 0) + 1 }), {});

describe('sign-in lockout', () => {
  it('checks at most 5 of 30 wrong passwords for admin sent at once, and refuses the rest with 429', async () => {
    const h = await hub();
    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => signInFrom(h, 'admin', `wrong-guess-${i}`, '198.51.100.20')));
    expect(statuses(answers)).toEqual({ 401: 5, 429: 25 });
    // "checked" = a password compared: each writes one signin.failed entry
    const failed = await auditEntries(h, 'signin.failed');
    expect(failed).toHaveLength(5);
    expect(failed.map((e) => e.detail.failures).sort()).toEqual([1, 2, 3, 4, 5]);
    expect(failed.find((e) => e.detail.failures === 5)!.detail.locked).toBe('user');
    const refused = answers.find((a) => a.status === 429)!;
    expect(Number(refused.retryAfter)).toBeGreaterThan(800);
    expect(refused.body).toMatchObject({ error: expect.stringMatching(/too many failed sign-ins for this user/), field: 'username' });
    // locked even with the right password; the same user name from another address is not
    expect((await signInFrom(h, 'admin', ADMIN_PASSWORD, '198.51.100.20')).status).toBe(429);
    expect((await signInFrom(h, 'ADMIN', ADMIN_PASSWORD, '198.51.100.20')).status).toBe(429);
    expect((await signInFrom(h, 'admin', ADMIN_PASSWORD, '198.51.100.21')).status).toBe(200);
  });

  it('limits an address across user names: 20 wrong passwords, then every name is refused there', async () => {
    const h = await hub();
    await h.auth.users.create({ username: 'wang', password: 'wang-password-1', role: 'leader' });
    // 40 made-up user names at once from one address: 20 checked, 20 refused
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => signInFrom(h, `nobody${i}`, 'some-password', '203.0.113.50')));
    expect(statuses(answers)).toEqual({ 401: 20, 429: 20 });
    expect(answers.find((a) => a.status === 429)!.body.error).toMatch(/from this address/);
    expect(await auditEntries(h, 'signin.failed')).toHaveLength(20);
    // a real user with the right password from that address is refused too; from another it is not
    expect((await signInFrom(h, 'wang', 'wang-password-1', '203.0.113.50')).status).toBe(429);
    expect((await signInFrom(h, 'wang', 'wang-password-1', '203.0.113.51')).status).toBe(200);
  });

  it('gives a right password its attempt back, so one address can sign many people in', async () => {
    const h = await hub();
    for (let i = 0; i < 30; i++) expect((await signInFrom(h, 'admin', ADMIN_PASSWORD, '192.0.2.7')).status).toBe(200);
    // and a right password forgets the earlier failures of that user name there
    for (let i = 0; i < 4; i++) expect((await signInFrom(h, 'admin', `nope-${i}-xxxx`, '192.0.2.7')).status).toBe(401);
    expect((await signInFrom(h, 'admin', ADMIN_PASSWORD, '192.0.2.7')).status).toBe(200);
    for (let i = 0; i < 4; i++) expect((await signInFrom(h, 'admin', `nope-${i}-yyyy`, '192.0.2.7')).status).toBe(401);
    expect((await signInFrom(h, 'admin', ADMIN_PASSWORD, '192.0.2.7')).status).toBe(200);
  });

  it('counts an IPv6 client by its /64, so it cannot take a fresh address for each guess', async () => {
    const h = await hub();
    const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => signInFrom(h, 'admin', `v6-guess-${i}`, `2001:db8:7:9::${(i + 1).toString(16)}`)));
    expect(statuses(answers)).toEqual({ 401: 5, 429: 3 });
    expect((await signInFrom(h, 'admin', ADMIN_PASSWORD, '2001:db8:7:9:ffff:1:2:3')).status).toBe(429);
    expect((await signInFrom(h, 'admin', ADMIN_PASSWORD, '2001:db8:7:a::1')).status).toBe(200);
  });

  it('turns 200 refused attempts into one audit entry with their count, and leaves no key behind', async () => {
    // a short window so the lockout ends within the test; the counts are the production ones
    const h = await hub({ lockout: { windowMs: 5000, flushEveryMs: 100 } });
    const before = (await auditEntries(h)).length;
    const answers = await Promise.all(Array.from({ length: 205 }, (_, i) => signInFrom(h, 'admin', `burst-${i}`, '198.51.100.99')));
    expect(statuses(answers)).toEqual({ 401: 5, 429: 200 });
    // while locked: 5 failures audited, nothing for the 200 refusals; Redis holds the two
    // counters, the lockout and its place in the list of lockouts, whatever the number of requests
    expect((await auditEntries(h)).length - before).toBe(5);
    expect((await keysOf(h, 'auth:*')).sort()).toEqual([
      `${h.keys.prefix}auth:fail-addr:198.51.100.99`,
      `${h.keys.prefix}auth:fail:198.51.100.99:admin`,
      `${h.keys.prefix}auth:lock-ends`,
      `${h.keys.prefix}auth:lock:user|198.51.100.99|admin`,
    ]);

    await waitFor('the lockout entry', async () => (await auditEntries(h, 'signin.locked')).length > 0);
    const locked = await auditEntries(h, 'signin.locked');
    expect(locked).toHaveLength(1);
    expect(locked[0]).toMatchObject({ actor: 'admin', target: 'admin', ip: '198.51.100.99', detail: { lock: 'user', refused: 200 } });
    expect(locked[0]!.detail.last as number).toBeGreaterThanOrEqual(locked[0]!.detail.first as number);
    expect((await auditEntries(h)).length - before).toBe(6);
    await waitFor('the counters to expire', async () => (await keysOf(h, 'auth:*')).length === 0);
    expect((await signInFrom(h, 'admin', ADMIN_PASSWORD, '198.51.100.99')).status).toBe(200);
  });

  it('writes an address lockout once too, naming the address', async () => {
    const h = await hub({ lockout: { windowMs: 5000, flushEveryMs: 100, maxAddressFailures: 6 } });
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => signInFrom(h, `spray${i}`, 'Winter2026!', '203.0.113.77')));
    expect(statuses(answers)).toEqual({ 401: 6, 429: 44 });
    await waitFor('the lockout entry', async () => (await auditEntries(h, 'signin.locked')).length > 0);
    const [locked, ...more] = await auditEntries(h, 'signin.locked');
    expect(more).toEqual([]);
    expect(locked).toMatchObject({
      target: '203.0.113.77',
      ip: '203.0.113.77',
      actor: expect.stringMatching(/^spray\d+$/),
      detail: { lock: 'address', refused: 44 },
    });
  });
});
