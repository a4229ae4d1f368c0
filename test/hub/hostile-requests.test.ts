/**
 * Every parameter of every route, thrown hostile values: names of Object.prototype, very long
 * strings, unicode, numbers out of range, empty and repeated values. The hub must answer each
 * below 500 and stay up. Signed in as the admin (from the right origin, with a JSON body), so the
 * values reach the handlers rather than stopping at a guard.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../../server/hub.ts';
import { startTestHub, testPrefix } from '../helpers/test-hub.ts';
import { fixedClock } from '../helpers/test-clock.ts';

const ADMIN_PASSWORD = 'admin-password-hostile-1';

interface Route {
  method: 'GET' | 'POST' | 'PATCH';
  path: string;
  query: string[];
  pathParams?: string[];
}

/** The routes and the parameters each reads. `:x` in a path is a path parameter. */
const ROUTES: Route[] = [
  { method: 'GET', path: '/api/v1/snapshot', query: ['scope', 'date'] },
  { method: 'GET', path: '/api/v1/series', query: ['metric', 'interval', 'scope', 'from', 'to'] },
  { method: 'GET', path: '/api/v1/catalog', query: ['scope'] },
  { method: 'GET', path: '/api/v1/screens/hall', query: [] },
  { method: 'GET', path: '/api/v1/screens/playlist', query: ['screen', 'group'] },
  { method: 'GET', path: '/api/v1/screens', query: [] },
  { method: 'GET', path: '/api/v1/screens/:id/commands', query: [], pathParams: ['id'] },
  { method: 'POST', path: '/api/v1/screens/:id/commands', query: [], pathParams: ['id'] },
  { method: 'POST', path: '/api/v1/screens/commands', query: [] },
  { method: 'GET', path: '/api/v1/cockpit/config', query: [] },
  { method: 'GET', path: '/api/v1/cockpit/districts', query: ['date'] },
  { method: 'GET', path: '/api/v1/cockpit/rankings', query: ['scope', 'date', 'limit'] },
  { method: 'GET', path: '/api/v1/cockpit/trading', query: ['scope', 'date'] },
  { method: 'GET', path: '/api/v1/cockpit/compare', query: ['scope', 'date'] },
  { method: 'GET', path: '/api/v1/cockpit/overview', query: ['scope', 'date'] },
  { method: 'GET', path: '/api/v1/forecast', query: ['scope', 'date', 'metric'] },
  { method: 'GET', path: '/api/v1/alerts', query: ['state', 'rule', 'severity', 'dept', 'window', 'from', 'to', 'limit'] },
  { method: 'GET', path: '/api/v1/alerts/:id', query: [], pathParams: ['id'] },
  { method: 'POST', path: '/api/v1/alerts/:id/ack', query: [], pathParams: ['id'] },
  { method: 'POST', path: '/api/v1/alerts/:id/resolve', query: [], pathParams: ['id'] },
  { method: 'POST', path: '/api/v1/alerts/:id/escalate', query: [], pathParams: ['id'] },
  { method: 'GET', path: '/api/v1/audit', query: ['actor', 'action', 'target', 'from', 'to', 'limit'] },
  { method: 'GET', path: '/api/v1/admin/dead-letters', query: ['count'] },
  { method: 'GET', path: '/api/v1/events/export', query: ['from', 'to', 'type', 'format'] },
  { method: 'GET', path: '/api/v1/users', query: [] },
  { method: 'POST', path: '/api/v1/users/:username/password', query: [], pathParams: ['username'] },
  { method: 'POST', path: '/api/v1/users/:username/disabled', query: [], pathParams: ['username'] },
  { method: 'PATCH', path: '/api/v1/users/:username', query: [], pathParams: ['username'] },
  { method: 'POST', path: '/api/v1/users/:username/sessions/end', query: [], pathParams: ['username'] },
  { method: 'GET', path: '/api/v1/tokens', query: [] },
  { method: 'POST', path: '/api/v1/tokens/ingest/:source/revoke', query: [], pathParams: ['source'] },
  { method: 'POST', path: '/api/v1/tokens/screen/:name/revoke', query: [], pathParams: ['name'] },
  { method: 'PATCH', path: '/api/v1/tokens/ingest/:source', query: [], pathParams: ['source'] },
  { method: 'PATCH', path: '/api/v1/tokens/screen/:name', query: [], pathParams: ['name'] },
  { method: 'GET', path: '/api/v1/session', query: [] },
  { method: 'GET', path: '/api/v1/alerts/:id/deliveries', query: [], pathParams: ['id'] },
  { method: 'GET', path: '/api/v1/admin/config/notify', query: [] },
  { method: 'GET', path: '/api/v1/admin/config', query: [] },
  { method: 'GET', path: '/api/v1/admin/config/:section', query: [], pathParams: ['section'] },
  { method: 'POST', path: '/api/v1/admin/config/alerts/preview', query: [] },
  { method: 'POST', path: '/api/v1/admin/notify/channels/:id/test', query: [], pathParams: ['id'] },
  { method: 'GET', path: '/api/v1/reviews/follow-ups', query: ['scope', 'date'] },
  { method: 'GET', path: '/api/v1/visit-figures', query: ['scope', 'date'] },
  { method: 'GET', path: '/api/v1/staff/figures', query: ['dept', 'date'] },
  { method: 'GET', path: '/api/v1/staff/:id/figures', query: ['date'], pathParams: ['id'] },
  { method: 'GET', path: '/api/v1/cockpit/period', query: ['scope', 'period', 'date'] },
  { method: 'GET', path: '/api/v1/reports/daily', query: ['scope', 'date', 'format'] },
  { method: 'GET', path: '/api/v1/reports/monthly', query: ['scope', 'month', 'format'] },
  { method: 'GET', path: '/api/v1/reports', query: ['scope', 'kind', 'limit'] },
  { method: 'GET', path: '/api/v1/reports/kept/:id', query: ['format'], pathParams: ['id'] },
  { method: 'POST', path: '/api/v1/reviews/:id/follow-up', query: [], pathParams: ['id'] },
  { method: 'GET', path: '/api/v1/openapi.json', query: [] },
  { method: 'GET', path: '/screens/:name', query: [], pathParams: ['name'] },
];

const PROTOTYPE_NAMES = [...Object.getOwnPropertyNames(Object.prototype), '__proto__', 'prototype', 'constructor.prototype', 'toString', 'then'];
const ODD_NUMBERS = [
  '-1',
  '0',
  '1e309',
  '-1e309',
  '99999999999999999999',
  '9007199254740993',
  'NaN',
  'Infinity',
  '-0',
  '0x10',
  '1.5',
  '1e3',
  '00001',
  '2026-02-30',
  '0000-01-01',
  '9999-12-31',
  '275760-09-13',
  '1969-12-31T23:59:59Z',
];

const hostile = fc.oneof(
  fc.constantFrom(...PROTOTYPE_NAMES),
  fc.constantFrom(...ODD_NUMBERS),
  fc.constantFrom('', ' ', '%00', '\u0000', '../../etc/passwd', 'city', 'center:__proto__', 'dept:constructor', 'window:hasOwnProperty', 'center:yiyang'),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ minLength: 2000, maxLength: 6000 }),
);

describe('hostile parameters on every route', () => {
  let hub: Hub;
  let cookie = '';
  beforeAll(async () => {
    hub = await startTestHub(testPrefix(), { now: fixedClock('15:00'), env: { ADMIN_PASSWORD } });
    const res = await fetch(`${hub.url}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: hub.url },
      body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
    });
    expect(res.status).toBe(200);
    cookie = res.headers.get('set-cookie')!.split(';')[0]!;
  });
  afterAll(async () => {
    await hub.stop();
  });

  const send = async (route: Route, path: string, query: string) => {
    const res = await fetch(`${hub.url}${path}${query ? `?${query}` : ''}`, {
      method: route.method,
      headers: { cookie, origin: hub.url, ...(route.method !== 'GET' ? { 'content-type': 'application/json' } : {}) },
      ...(route.method !== 'GET' ? { body: '{}' } : {}),
    });
    await res.arrayBuffer();
    return res.status;
  };

  it('answers every parameter of every route below 500, and stays up', async () => {
    const tried = { requests: 0, parameters: new Set<string>(), values: new Set<string>() };
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...ROUTES), fc.nat(), hostile, fc.boolean(), async (route, pick, value, twice) => {
        const params = [...route.query.map((q) => `?${q}`), ...(route.pathParams ?? []).map((p) => `:${p}`)];
        let path = route.path;
        let query = '';
        if (params.length > 0) {
          const param = params[pick % params.length]!;
          tried.parameters.add(`${route.path} ${param}`);
          if (param.startsWith(':')) path = path.replace(param, encodeURIComponent(value) || '%20');
          else {
            const pair = `${encodeURIComponent(param.slice(1))}=${encodeURIComponent(value)}`;
            query = twice ? `${pair}&${pair}` : pair;
          }
        } else path = route.path;
        tried.values.add(value);
        tried.requests++;
        const status = await send(route, path, query);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        expect(status, `${route.method} ${path}?${query.slice(0, 200)}`).toBeLessThan(500);
      }),
      { numRuns: 1500 },
    );
    const health = await fetch(`${hub.url}/healthz`);
    expect(health.status).toBe(200);
    console.log(
      `hostile requests: ${tried.requests} sent to ${tried.parameters.size} parameters of ${ROUTES.length} routes, ${tried.values.size} distinct values; statuses ${JSON.stringify(Object.fromEntries(statuses))}`,
    );
  });

  it('answers the prototype names that once ended the process', async () => {
    for (const name of PROTOTYPE_NAMES) {
      const res = await fetch(`${hub.url}/api/v1/series?metric=${encodeURIComponent(name)}&interval=day&scope=center:yiyang`, { headers: { cookie } });
      expect(res.status, name).toBe(400);
      expect((await res.json()).field).toBe('metric');
    }
    expect((await fetch(`${hub.url}/healthz`)).status).toBe(200);
  });

  it('refuses dates outside 2000-2100 with the field', async () => {
    for (const date of ['1899-12-31', '2101-01-01', '275760-09-13', '9999-12-31']) {
      const res = await fetch(`${hub.url}/api/v1/snapshot?scope=city&date=${date}`, { headers: { cookie } });
      expect(res.status, date).toBe(400);
      expect((await res.json()).field).toBe('date');
    }
  });
});
