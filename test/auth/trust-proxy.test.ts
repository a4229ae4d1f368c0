/**
 * TRUST_PROXY decides which address lockouts and the audit see: with the proxy trusted, the
 * client's (X-Forwarded-For); without, the proxy's own. Express semantics; a wrong value stops the start.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config/env.ts';
import type { Hub } from '../../server/hub.ts';
import { ADMIN_PASSWORD, auditEntries, signInFrom, startAuthHub } from './auth-test-hub.ts';

const hubs: Hub[] = [];
afterEach(async () => {
  for (const h of hubs.splice(0)) await h.stop();
});
async function hub(trustProxy?: string): Promise<Hub> {
  const h = await startAuthHub(trustProxy === undefined ? {} : { env: { TRUST_PROXY: trustProxy } });
  hubs.push(h);
  return h;
}

/** The address the audit recorded for one failed sign-in sent (from loopback) with this X-Forwarded-For. */
async function recordedAddress(h: Hub, forwardedFor: string): Promise<string> {
  const user = `probe${Math.random().toString(36).slice(2, 8)}`;
  expect((await signInFrom(h, user, 'wrong-password', forwardedFor)).status).toBe(401);
  const entry = (await auditEntries(h, 'signin.failed')).find((e) => e.actor === user);
  return entry!.ip;
}

describe('TRUST_PROXY', () => {
  it('trusts loopback by default: a proxy on the same machine names the client', async () => {
    const h = await hub();
    expect(await recordedAddress(h, '203.0.113.7')).toBe('203.0.113.7');
    // a client cannot smuggle an address past the proxy: the proxy appends the one it saw
    expect(await recordedAddress(h, '10.9.9.9, 203.0.113.8')).toBe('203.0.113.8');
  });

  it("records the connection's own address with false, or when the proxy is not in the trusted list", async () => {
    for (const setting of ['false', '10.0.0.0/8', '192.0.2.1']) {
      const h = await hub(setting);
      expect(await recordedAddress(h, '203.0.113.7'), setting).toBe('127.0.0.1');
    }
  });

  it('takes a hop count: 2 trusts the two proxies nearest the hub', async () => {
    const h = await hub('2');
    expect(await recordedAddress(h, '198.51.100.1, 203.0.113.9')).toBe('198.51.100.1');
    const one = await hub('1');
    expect(await recordedAddress(one, '198.51.100.1, 203.0.113.9')).toBe('203.0.113.9');
  });

  it("locks out by the client address behind a trusted proxy, and by the proxy's without trust", async () => {
    const trusted = await hub('loopback');
    for (let i = 0; i < 5; i++) expect((await signInFrom(trusted, 'admin', `wrong-${i}-xxxx`, '203.0.113.7')).status).toBe(401);
    expect((await signInFrom(trusted, 'admin', ADMIN_PASSWORD, '203.0.113.7')).status).toBe(429);
    expect((await signInFrom(trusted, 'admin', ADMIN_PASSWORD, '203.0.113.8')).status).toBe(200);

    // untrusted, every client behind the proxy is one address: the header changes nothing
    const untrusted = await hub('false');
    for (let i = 0; i < 5; i++) expect((await signInFrom(untrusted, 'admin', `wrong-${i}-xxxx`, '203.0.113.7')).status).toBe(401);
    expect((await signInFrom(untrusted, 'admin', ADMIN_PASSWORD, '203.0.113.8')).status).toBe(429);
  });

  it("parses Express's forms and stops the start on anything else, naming the variable", () => {
    const trust = (value?: string) => loadConfig(value === undefined ? {} : { TRUST_PROXY: value }).trustProxy;
    expect(trust()).toEqual(['loopback']);
    expect(trust('true')).toBe(true);
    expect(trust('false')).toBe(false);
    expect(trust('2')).toBe(2);
    expect(trust('loopback, 10.0.0.5, 10.1.0.0/16, fd00::/8, 10.2.0.0/255.255.0.0, uniquelocal')).toEqual([
      'loopback',
      '10.0.0.5',
      '10.1.0.0/16',
      'fd00::/8',
      '10.2.0.0/255.255.0.0',
      'uniquelocal',
    ]);
    for (const bad of ['yes', '10.0.0.0/33', 'fd00::/129', '10.0.0', 'nginx.local', '-1', '1000']) {
      expect(() => trust(bad), bad).toThrow(ConfigError);
      expect(() => trust(bad), bad).toThrow(/TRUST_PROXY/);
    }
  });
});
