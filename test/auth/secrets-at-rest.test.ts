/**
 * Secrets at rest: everything Redis holds (what a stolen dump or a replica gives) is not enough to
 * send events. Rotated ingest tokens are derived with the hub secret, which Redis never sees.
 */
import crypto from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveIngestToken } from '../../server/auth/ingest-credentials.ts';
import type { Hub } from '../../server/hub.ts';
import { signingKeyOf } from '../../server/auth/ingest-credentials.ts';
import { ev } from '../helpers/events.ts';
import { at, fixedClock, instant } from '../helpers/test-clock.ts';
import { TOKENS, startTestHub, testPrefix, testRedis } from '../helpers/test-hub.ts';
import { api, signIn } from '../alerts/alert-hub.ts';
import { bearerPost, sha256hex, signedPost } from './ingest-client.ts';

const NOW = instant('10:00');
const rating = () => ev.rating(at('09:30'), 5);

/** Every string the prefix's keys hold: names, fields, values, members, stream entries, and the strings inside JSON values. */
async function dumpStrings(redis: Redis, prefix: string): Promise<Set<string>> {
  const out = new Set<string>();
  const walk = (v: unknown): void => {
    if (typeof v === 'string') out.add(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object')
      for (const [k, x] of Object.entries(v)) {
        out.add(k);
        walk(x);
      }
    else if (v !== null && v !== undefined) out.add(String(v));
  };
  const take = (s: string) => {
    out.add(s);
    try {
      walk(JSON.parse(s));
    } catch {
      /* not JSON */
    }
  };
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    for (const key of keys) {
      out.add(key);
      const type = await redis.type(key);
      const values: string[] =
        type === 'string'
          ? [(await redis.get(key)) ?? '']
          : type === 'hash'
            ? Object.entries(await redis.hgetall(key)).flat()
            : type === 'set'
              ? await redis.smembers(key)
              : type === 'zset'
                ? await redis.zrange(key, 0, -1, 'WITHSCORES')
                : type === 'list'
                  ? await redis.lrange(key, 0, -1)
                  : type === 'stream'
                    ? (await redis.xrange(key, '-', '+')).flatMap(([id, fields]) => [id, ...fields])
                    : [];
      values.forEach(take);
    }
  } while (cursor !== '0');
  return out;
}

describe('what Redis stores cannot sign an ingest request', () => {
  const prefix = testPrefix();
  let hub: Hub;
  let redis: Redis;
  let rotated: string;
  beforeAll(async () => {
    hub = await startTestHub(prefix, {
      now: fixedClock('10:00'),
      env: { HUB_SECRET: crypto.randomBytes(32).toString('base64url'), ADMIN_PASSWORD: 'admin-pass-0001' },
    });
    redis = testRedis();
    const admin = await signIn(hub, 'admin', 'admin-pass-0001');
    const answer = await api(hub, 'POST', '/api/v1/tokens/ingest/rating/rotate', { cookie: admin, body: { centers: ['yiyang'] } });
    expect(answer.status).toBe(200);
    rotated = answer.body.token;
    // the hub's state as a working day leaves it: events counted, a source heard, sign-ins audited
    expect((await signedPost(hub, 'rating', signingKeyOf(rotated), [rating()], NOW)).status).toBe(202);
    expect((await bearerPost(hub, TOKENS.queue, [ev.issued(at('09:31'), 'B001')])).status).toBe(202);
  });
  afterAll(async () => {
    redis.disconnect();
    await hub.stop();
  });

  it('holds no token, no signing key, and nothing from which the key follows', async () => {
    const dump = await dumpStrings(redis, prefix);
    const key = hub.auth.tokens.ingestSigners().get('rating')!.key;
    expect(key).toBe(signingKeyOf(rotated));
    const secrets = [rotated, key, ...Object.values(TOKENS), ...Object.values(TOKENS).map(signingKeyOf)];
    const record = JSON.parse((await redis.hget(hub.keys.ingestTokenStore, 'rating'))!);
    let tried = 0;
    for (const s of dump) {
      for (const secret of secrets) expect(s.includes(secret), `a Redis string contains a token or key: ${s.slice(0, 80)}`).toBe(false);
      // a string of the dump as the key, as the token, or as the hub secret
      tried += 3;
      expect(s === key || sha256hex(s) === key).toBe(false);
      expect(signingKeyOf(deriveIngestToken(Buffer.from(s), 'rating', record.salt))).not.toBe(key);
    }
    expect(dump.size).toBeGreaterThan(50);
    console.log(`secrets at rest: ${dump.size} strings of the Redis dump, ${tried} candidate keys, 0 equal to a signing key`);
  });

  it('refuses a request signed or sent with anything of the stored token record', async () => {
    const stored = await redis.hgetall(hub.keys.ingestTokenStore);
    const strings = new Set<string>();
    for (const [field, json] of Object.entries(stored)) {
      strings.add(field);
      strings.add(json);
      for (const v of Object.values(JSON.parse(json) as Record<string, unknown>)) strings.add(String(v));
    }
    // the field, the record, and its salt, kid, centers, at and by
    expect(strings.size).toBe(7);
    for (const s of strings) {
      expect((await signedPost(hub, 'rating', s, [rating()], NOW)).status).toBe(401);
      expect((await signedPost(hub, 'rating', sha256hex(s), [rating()], NOW)).status).toBe(401);
      expect((await bearerPost(hub, s, [rating()])).status).toBe(401);
    }
    // the token itself still works, so the refusals are the key's, not the request's
    expect((await signedPost(hub, 'rating', signingKeyOf(rotated), [rating()], NOW)).status).toBe(202);
  });

  it('takes a token rotated before the hub secret as bearer only: its stored hash would be the signing key', async () => {
    const legacy = crypto.randomBytes(24).toString('base64url');
    await redis.hset(hub.keys.ingestTokenStore, 'fee', JSON.stringify({ hash: sha256hex(legacy), at: NOW, by: 'admin' }));
    await hub.auth.tokens.refresh();
    const fee = () => ev.fee(at('09:40'), 12.5);
    expect((await bearerPost(hub, legacy, [fee()])).status).toBe(202);
    const signed = await signedPost(hub, 'fee', sha256hex(legacy), [fee()], NOW);
    expect(signed.status).toBe(401);
    const listed = (await hub.auth.tokens.list()).ingest.find((t) => t.name === 'fee');
    expect(listed?.note).toMatch(/bearer only/);
  });
});
