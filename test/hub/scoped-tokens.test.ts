/**
 * Scoped ingest tokens: a token restricted to centers and event types (INGEST_TOKENS
 * `source=token@center|…#type|…`, or the admin API/CLI) has each event outside its scope refused
 * with a field error (`center`, `type`) while the rest of the batch is taken.
 */
import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config/env.ts';
import type { Hub } from '../../server/hub.ts';
import { signingKeyOf } from '../../server/auth/ingest-credentials.ts';
import { parseIngestTokens } from '../../mock/tokens.ts';
import { ev } from '../helpers/events.ts';
import { at, fixedClock, instant, TODAY } from '../helpers/test-clock.ts';
import { TOKENS, drained, getJson, redisPort, startTestHub, testPrefix } from '../helpers/test-hub.ts';
import { api, signIn } from '../alerts/alert-hub.ts';
import { bearerPost, signedPost } from '../auth/ingest-client.ts';

const NOW = instant('10:00');
const ADMIN_PASSWORD = 'admin-pass-0001';
const HUB_SECRET = crypto.randomBytes(32).toString('base64url');
const snapshot = (hub: Hub, scope: string) => getJson(hub, `/api/v1/snapshot?scope=${scope}&date=${TODAY}`);
const inCenter = <T extends { center: string }>(e: T, center: string) => ({ ...e, center });
const paths = (answer: { body: any }) => answer.body.rejected.map((r: { index: number; errors: { path: string }[] }) => [r.index, r.errors.map((e) => e.path)]);

describe('scoped ingest tokens', () => {
  const prefix = testPrefix();
  let hub: Hub;
  let admin: string;
  beforeAll(async () => {
    const env = Object.entries(TOKENS)
      .map(([s, t]) => (s === 'queue' ? `queue=${t}@heshan#ticket.*` : `${s}=${t}`))
      .join(',');
    hub = await startTestHub(prefix, { now: fixedClock('10:00'), env: { INGEST_TOKENS: env, HUB_SECRET, ADMIN_PASSWORD } });
    admin = await signIn(hub, 'admin', ADMIN_PASSWORD);
  });
  afterAll(async () => {
    await hub.stop();
  });

  it('refuses the events of other centers (field center) and other types (field type), and takes the rest of the batch', async () => {
    const heshanIssued = { ...ev.issued(at('09:00'), 'A001', 'heshan.realestate'), center: 'heshan' };
    const answer = await bearerPost(hub, TOKENS.queue, [
      heshanIssued,
      ev.issued(at('09:01'), 'A002'), // yiyang
      { ...ev.windowStatus(at('09:02'), 'open', 'heshan.w001', 'heshan.realestate'), source: 'queue', center: 'heshan' },
      { ...ev.windowStatus(at('09:03'), 'open'), source: 'queue' }, // yiyang, and not a ticket event
      { ...ev.called(at('09:04'), 'A001', 'heshan.w001'), center: 'heshan' },
    ]);
    expect(answer.status).toBe(202);
    expect(answer.body.accepted).toBe(2);
    expect(paths(answer)).toEqual([
      [1, ['center']],
      [2, ['type']],
      [3, ['center', 'type']],
    ]);
    expect(answer.body.rejected[0].errors[0].message).toBe('this token may send for heshan only');
    expect(answer.body.rejected[1].errors[0].message).toBe('this token may send ticket.* only');
    await drained(hub);
    expect((await snapshot(hub, 'center:heshan')).tickets).toMatchObject({ issued: 1, called: 1 });
    expect((await snapshot(hub, 'center:yiyang')).tickets).toMatchObject({ issued: 0, called: 0 });
  });

  it('scopes a token rotated through the admin API, for bearer and signed requests, and keeps the scope on a later rotation', async () => {
    const rotate = (body: unknown) => api(hub, 'POST', '/api/v1/tokens/ingest/rating/rotate', { cookie: admin, body });
    const first = await rotate({ centers: ['ziyang'], types: ['rating.submitted'] });
    expect(first.body).toMatchObject({ ok: true, centers: ['ziyang'], types: ['rating.submitted'] });
    const ziyang = () => ev.rating(at('09:10'), 4, 'ziyang.w001', 'ziyang.realestate');
    const here = () => inCenter(ziyang(), 'ziyang');
    const bearer = await bearerPost(hub, first.body.token, [here(), ev.rating(at('09:11'), 5)]);
    expect([bearer.body.accepted, paths(bearer)]).toEqual([1, [[1, ['center']]]]);
    const signed = await signedPost(hub, 'rating', signingKeyOf(first.body.token), [ev.rating(at('09:12'), 5), here()], NOW);
    expect([signed.status, signed.body.accepted, paths(signed)]).toEqual([202, 1, [[0, ['center']]]]);

    // {} keeps the scope; null lifts one list and leaves the other
    expect((await rotate({})).body).toMatchObject({ centers: ['ziyang'], types: ['rating.submitted'] });
    const lifted = await rotate({ centers: null });
    expect(lifted.body).toMatchObject({ centers: null, types: ['rating.submitted'] });
    expect((await bearerPost(hub, lifted.body.token, [ev.rating(at('09:13'), 5)])).body.accepted).toBe(1);
    const listed = (await api(hub, 'GET', '/api/v1/tokens', { cookie: admin })).body.ingest;
    expect(listed.find((t: { name: string }) => t.name === 'rating')).toMatchObject({ origin: 'rotated', centers: null, types: ['rating.submitted'] });
    expect(listed.find((t: { name: string }) => t.name === 'queue')).toMatchObject({ origin: 'env', centers: ['heshan'], types: ['ticket.*'] });
    const audit = (await api(hub, 'GET', '/api/v1/audit?action=token.ingest.rotated', { cookie: admin })).body.entries;
    expect(audit[audit.length - 1].detail).toEqual({ centers: ['ziyang'], types: ['rating.submitted'] });
  });

  it('answers 400 naming the field for a scope that names no center or type of the contract', async () => {
    const rotate = (body: unknown) => api(hub, 'POST', '/api/v1/tokens/ingest/trade/rotate', { cookie: admin, body });
    for (const [body, field] of [
      [{ centers: ['nowhere'] }, 'centers'],
      [{ centers: [] }, 'centers'],
      [{ centers: 'yiyang' }, 'centers'],
      [{ types: ['ticket.bogus'] }, 'types'],
      [{ types: ['hasOwnProperty'] }, 'types'],
      [{ types: ['__proto__.*'] }, 'types'],
    ] as const) {
      const answer = await rotate(body);
      expect([answer.status, answer.body.field], JSON.stringify(body)).toEqual([400, field]);
    }
    // nothing was rotated: the environment's token still works
    expect((await bearerPost(hub, TOKENS.trade, [ev.trade(at('09:20'), 100)])).body.accepted).toBe(1);
  });

  it('rotates a scoped token from the shell, and lists scopes in the INGEST_TOKENS notation', async () => {
    const env = {
      ...process.env,
      REDIS_URL: `redis://127.0.0.1:${redisPort()}`,
      REDIS_PREFIX: prefix,
      HUB_SECRET,
      INGEST_TOKENS: `queue=${TOKENS.queue}@heshan#ticket.*`,
      LOG_LEVEL: 'silent',
    };
    const cli = (...args: string[]) => promisify(execFile)('node_modules/.bin/tsx', ['scripts/admin.ts', ...args], { env });
    const token = (await cli('rotate-ingest-token', 'fee', '--centers', 'heshan,ziyang', '--types', 'fee.collected')).stdout.trim();
    await hub.auth.tokens.refresh();
    const fee = (center: string) => inCenter(ev.fee(at('09:30'), 5), center);
    const answer = await bearerPost(hub, token, [fee('heshan'), fee('yiyang')]);
    expect([answer.body.accepted, paths(answer)]).toEqual([1, [[1, ['center']]]]);
    const list = (await cli('list-tokens')).stdout;
    expect(list).toMatch(/ingest\tfee\trotated\t@heshan\|ziyang#fee\.collected\t/);
    expect(list).toMatch(/ingest\tqueue\tenv\t@heshan#ticket\.\*\t/);
    await expect(cli('rotate-ingest-token', 'fee', '--centers', 'nowhere')).rejects.toMatchObject({
      stderr: expect.stringMatching(/"nowhere" is not a center/),
    });
  }, 60_000);
});

describe('INGEST_TOKENS scope syntax', () => {
  const load = (tokens: string) => loadConfig({ INGEST_TOKENS: tokens });

  it('reads centers after @ and event types (or families) after #', () => {
    const { scope, token } = load('queue=abcdefgh1234@heshan|ziyang#ticket.*|window.status').ingestTokens.get('queue')!;
    expect(token).toBe('abcdefgh1234');
    expect([...scope.centers!]).toEqual(['heshan', 'ziyang']);
    expect([...scope.types!].sort()).toEqual([
      'ticket.called',
      'ticket.finished',
      'ticket.issued',
      'ticket.noshow',
      'ticket.started',
      'ticket.transferred',
      'window.status',
    ]);
    expect(load('rating=abcdefgh1234#rating.submitted').ingestTokens.get('rating')!.scope.centers).toBeNull();
    expect(load('rating=abcdefgh1234').ingestTokens.get('rating')!.scope).toMatchObject({ centers: null, types: null });
    // the mock reads the same variable and sends with the token alone
    expect(parseIngestTokens('queue=abcdefgh1234@heshan#ticket.*').get('queue')).toBe('abcdefgh1234');
  });

  it('stops the start with the fix for an unknown center or type, a type list before the centers, or a source given twice', () => {
    for (const [value, message] of [
      // not even a center code (which centers exist is the catalog's: checked at start, below)
      ['queue=abcdefgh1234@No-where', /"No-where" is not a center/],
      ['queue=abcdefgh1234#ticket.*|bogus', /"bogus" is not an event type/],
      ['queue=abcdefgh1234#ticket.*@heshan', /is not an event type/],
      ['queue=abcdefgh1234@', /centers is empty/],
      ['queue=abc@heshan', /shorter than 8 characters/],
      ['queue=abcdefgh1234,queue=ijklmnop5678', /"queue" appears twice/],
    ] as const) {
      expect(() => load(value), value).toThrow(ConfigError);
      expect(() => load(value), value).toThrow(message);
    }
  });

  it('stops the start on a center the catalog does not have, naming the known ones', async () => {
    await expect(startTestHub(testPrefix(), { env: { INGEST_TOKENS: 'queue=abcdefgh1234@nowhere' } })).rejects.toThrow(
      /INGEST_TOKENS: the scope of "queue" names center "nowhere", which is not in the catalog \(yiyang, heshan/,
    );
  });
});
