import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../../server/hub.ts';
import { signingKeyOf } from '../../server/auth/ingest-credentials.ts';
import { signRequest } from '../../server/ingest/request-auth.ts';
import { ev } from '../helpers/events.ts';
import { at as atTime, fixedClock, instant } from '../helpers/test-clock.ts';
import { TOKENS, postEvents, startTestHub, testPrefix } from '../helpers/test-hub.ts';

const NOW = instant('12:00');
const at = atTime('10:00');

describe('ingest request authentication', () => {
  let hub: Hub;
  beforeAll(async () => {
    hub = await startTestHub(testPrefix(), {
      now: fixedClock('12:00'),
      env: { INGEST_SIGNED_SOURCES: 'rating', ALLOWED_ORIGINS: 'https://wall.yiyang.example' },
    });
  });
  afterAll(async () => {
    await hub.stop();
  });

  const signedPost = (body: string, opts: { ts?: number; nonce?: string; token?: string } = {}) => {
    const ts = String(Math.floor((opts.ts ?? NOW) / 1000));
    const nonce = opts.nonce ?? crypto.randomBytes(12).toString('hex');
    const sig = signRequest(signingKeyOf(opts.token ?? TOKENS.rating), ts, nonce, body).toString('hex');
    return fetch(`${hub.url}/api/v1/events`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', authorization: `YG-HMAC-SHA256 source=rating, ts=${ts}, nonce=${nonce}, sig=${sig}` },
    });
  };

  it('accepts a signed request and refuses the same request replayed', async () => {
    const body = JSON.stringify([ev.rating(at, 5)]);
    const nonce = 'nonce-0000000001';
    const first = await signedPost(body, { nonce });
    expect(first.status).toBe(202);
    expect((await first.json()).accepted).toBe(1);
    const replay = await signedPost(body, { nonce });
    expect(replay.status).toBe(401);
    expect((await replay.json()).error).toMatch(/replayed/);
  });

  it('refuses a stale timestamp, a wrong signature, and a bearer token from a source that must sign', async () => {
    const body = JSON.stringify([ev.rating(at, 4)]);
    expect((await signedPost(body, { ts: NOW - 10 * 60_000 })).status).toBe(401);
    expect((await signedPost(body, { token: 'not-the-token' })).status).toBe(401);
    const bearer = await postEvents(hub, 'rating', JSON.parse(body));
    expect(bearer.status).toBe(401);
    expect(bearer.body.error).toMatch(/must sign/);
  });

  it('answers CORS only for configured origins and sends security headers', async () => {
    const allowed = await fetch(`${hub.url}/api/v1/catalog`, { headers: { origin: 'https://wall.yiyang.example' } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://wall.yiyang.example');
    const other = await fetch(`${hub.url}/api/v1/catalog`, { headers: { origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    expect(allowed.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(allowed.headers.get('x-content-type-options')).toBe('nosniff');
    // ingest answers machines: mounted before helmet, it sets nosniff itself, and sends no ETag
    const ingest = await fetch(`${hub.url}/api/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[]' });
    expect(ingest.status).toBe(401);
    expect(ingest.headers.get('x-content-type-options')).toBe('nosniff');
    expect(ingest.headers.get('content-security-policy')).toBeNull();
  });
});
