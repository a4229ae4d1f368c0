/**
 * Authorization belongs to the route, not to the spelling of its path: no other spelling of a
 * guarded path (case, trailing or doubled slash, percent-encoding, dot segments) reaches a
 * handler around its guard, over HTTP or on the realtime connection.
 */
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../../server/hub.ts';
import { startTestHub, testPrefix } from '../helpers/test-hub.ts';
import { fixedClock } from '../helpers/test-clock.ts';

const HALL_TOKEN = 'hall-screen-token-spell-1';
const GUARDED = [
  '/api/v1/snapshot?scope=city',
  '/api/v1/series?metric=tickets.issued&scope=city',
  '/api/v1/catalog',
  '/api/v1/screens/hall',
  '/api/v1/screens/playlist?screen=hall-1',
  '/api/v1/screens',
  '/api/v1/screens/hall-1/commands',
  '/api/v1/cockpit/config',
  '/api/v1/cockpit/districts',
  '/api/v1/cockpit/rankings?scope=city',
  '/api/v1/cockpit/compare?scope=city',
  '/api/v1/cockpit/overview?scope=city',
  '/api/v1/catalog?scope=center:yiyang',
  '/api/v1/forecast?scope=city',
  '/api/v1/alerts',
  '/api/v1/audit',
  '/api/v1/users',
  '/api/v1/tokens',
  '/api/v1/admin/dead-letters',
  '/api/v1/events/export?format=csv',
  '/api/v1/admin/config/notify',
  '/api/v1/admin/config',
  '/api/v1/admin/config/catalog',
  '/api/v1/admin/config/alerts',
  '/api/v1/alerts/A1/deliveries',
  '/api/v1/reviews/follow-ups',
  '/api/v1/visit-figures?scope=city',
  '/api/v1/staff/figures?dept=yiyang.realestate',
  '/api/v1/staff/s0001/figures',
  '/api/v1/cockpit/period?period=week',
  '/api/v1/reports/daily',
  '/api/v1/reports/monthly',
  '/api/v1/reports',
  '/api/v1/reports/kept/daily~city~2026-11-29',
];

/** Other spellings of a path that a lenient router could take for it. */
function spellings(pathAndQuery: string): string[] {
  const [path, query] = pathAndQuery.split('?') as [string, string?];
  const q = query ? `?${query}` : '';
  const last = path.lastIndexOf('/');
  const head = path.slice(0, last + 1);
  const name = path.slice(last + 1);
  return [
    path.toUpperCase() + q,
    `${head}${name[0]!.toUpperCase()}${name.slice(1)}${q}`,
    `/API${path.slice(4)}${q}`,
    `${path}/${q}`,
    `/${path}${q}`,
    path.replace('/v1/', '/v1//') + q,
    `${head}%${name.charCodeAt(0).toString(16)}${name.slice(1)}${q}`,
    path.replace('/v1/', '/v1/./') + q,
    path.replace('/v1/', '/x/../v1/') + q,
    `${path};x${q}`,
    `${path}%2f${q}`,
  ];
}

describe('guarded routes under every spelling', () => {
  let hub: Hub;
  beforeAll(async () => {
    hub = await startTestHub(testPrefix(), {
      now: fixedClock('15:00'),
      env: { SCREEN_TOKENS: `hall=${HALL_TOKEN}:center:yiyang`, ADMIN_PASSWORD: 'admin-password-spell-1' },
    });
  });
  afterAll(async () => {
    await hub.stop();
  });

  it('never answers 200 to a reader with no credentials, however the path is spelled', async () => {
    let tried = 0;
    for (const guarded of GUARDED) {
      expect((await fetch(`${hub.url}${guarded}`)).status, guarded).toBe(401);
      for (const spelled of spellings(guarded)) {
        const res = await fetch(`${hub.url}${spelled}`, { redirect: 'manual' });
        await res.arrayBuffer();
        tried++;
        expect([400, 401, 403, 404], `${spelled} → ${res.status}`).toContain(res.status);
      }
    }
    expect(tried).toBeGreaterThan(100);
  });

  it('never lets a center token read the city or another center, however the path is spelled', async () => {
    for (const guarded of ['/api/v1/snapshot?scope=city', '/api/v1/snapshot?scope=center:heshan', '/api/v1/series?metric=portal.pv&scope=city']) {
      const withToken = `${guarded}&token=${HALL_TOKEN}`;
      expect((await fetch(`${hub.url}${withToken}`)).status).toBe(403);
      for (const spelled of spellings(withToken)) {
        const res = await fetch(`${hub.url}${spelled}`, { redirect: 'manual' });
        await res.arrayBuffer();
        expect(res.status, spelled).not.toBe(200);
      }
    }
  });

  it('refuses the realtime connection under other spellings of its namespace, and on the root namespace', async () => {
    for (const nsp of ['/', '/Live', '/LIVE', '/live/', '//live']) {
      const socket = io(`${hub.url}${nsp}`, { transports: ['websocket'], reconnection: false, forceNew: true, auth: {} });
      const outcome = await new Promise<string>((resolve) => {
        socket.on('connect', () => resolve('connected'));
        socket.on('connect_error', (err) => resolve(`refused: ${err.message}`));
      });
      socket.close();
      expect(outcome, nsp).toMatch(/^refused/);
    }
  });
});
