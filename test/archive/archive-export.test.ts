import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dayIndexOfDate } from '../../common/time.ts';
import type { Hub } from '../../server/hub.ts';
import { ADMIN_PASSWORD, auditEntries, signInFrom } from '../auth/auth-test-hub.ts';
import { startDedicatedRedis, type DedicatedRedis } from '../helpers/dedicated-redis.ts';
import { ev } from '../helpers/events.ts';
import { at, dayFromToday, testNow } from '../helpers/test-clock.ts';
import { postEvents, testPrefix } from '../helpers/test-hub.ts';
import { archiveCaughtUp, removeTempArchiveDirs, startArchivingHub, streamEntries, tempArchiveDir } from './archive-fixtures.ts';

const D3 = dayFromToday(-3);
const D1 = dayFromToday(-1);
const TODAY = dayFromToday(0);

describe('GET /api/v1/events/export', () => {
  let redis: DedicatedRedis;
  let hub: Hub;
  let admin = '';
  const prefix = testPrefix();
  const sent = {
    early: [ev.issued(at('08:30', D3), 'A1'), ev.rating(at('09:00', D3), 1)],
    d1: [ev.suspended(at('10:00', D1), 'C-7'), ev.hit(at('11:00', D1), 'v9', '市民留言'), ev.trade(at('11:30', D1), 1234.5)],
    today: [ev.windowStatus(at('08:00'), 'paused'), ev.issued(at('08:05'), 'B2', 'yiyang.tax')],
  };
  const get = (query: string, headers: Record<string, string> = {}) =>
    fetch(`${hub.url}/api/v1/events/export?${query}`, { headers: { cookie: admin, ...headers } });

  beforeAll(async () => {
    redis = await startDedicatedRedis();
    hub = await startArchivingHub(prefix, redis.url, tempArchiveDir(), { now: testNow, env: { ADMIN_PASSWORD } });
    admin = (await signInFrom(hub, 'admin', ADMIN_PASSWORD)).cookie!;
    expect((await postEvents(hub, 'queue', [sent.early[0], sent.today[1]])).body.accepted).toBe(2);
    expect((await postEvents(hub, 'rating', [sent.early[1]])).body.accepted).toBe(1);
    expect((await postEvents(hub, 'cases', [sent.d1[0]])).body.accepted).toBe(1);
    expect((await postEvents(hub, 'portal', [sent.d1[1]])).body.accepted).toBe(1);
    expect((await postEvents(hub, 'trade', [sent.d1[2]])).body.accepted).toBe(1);
    expect((await postEvents(hub, 'window', [sent.today[0]])).body.accepted).toBe(1);
    await archiveCaughtUp(redis.client, prefix);
  });
  afterAll(async () => {
    await hub.stop();
    await redis.stop();
    removeTempArchiveDirs();
  });

  it('streams the events of whole days as NDJSON, in the order the hub took them, as they were sent', async () => {
    const res = await get(`from=${D3}&to=${TODAY}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="events-${D3}-to-${TODAY}.ndjson"`);
    const lines = (await res.text())
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    const stream = await streamEntries(redis.client, `${prefix}events`);
    expect(lines.map((l) => l.sid)).toEqual(stream.map((e) => e.sid));
    const byId = new Map([...sent.early, ...sent.d1, ...sent.today].map((e) => [e.id, e]));
    for (const line of lines) {
      expect(line.event).toEqual(byId.get(line.event.id));
      expect(line.received).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+08:00$/);
    }
    expect(lines.find((l) => l.event.type === 'portal.hit').event.column).toBe('市民留言');
  });

  it('narrows to instants and to event types', async () => {
    const window = await (await get(`from=${encodeURIComponent(at('10:30', D1))}&to=${encodeURIComponent(at('08:01'))}`)).text();
    expect(
      window
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l).event.id),
    ).toEqual([sent.d1[1]!.id, sent.d1[2]!.id, sent.today[0]!.id]);
    const ratings = (await (await get(`from=${D3}&to=${TODAY}&type=rating.submitted,ticket.issued`)).text()).trimEnd().split('\n');
    expect(ratings.map((l) => JSON.parse(l).event.id).sort()).toEqual([sent.early[0]!.id, sent.early[1]!.id, sent.today[1]!.id].sort());
    const none = await get(`from=${D1}&to=${D1}&type=fee.collected`);
    expect(none.status).toBe(200);
    expect(await none.text()).toBe('');
  });

  it('writes CSV with a BOM, a header row of the fields of the types asked for, and the Chinese text intact', async () => {
    const res = await get(`from=${D1}&to=${D1}&format=csv&type=portal.hit,case.suspended`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/);
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="events-${D1}-to-${D1}.csv"`);
    const bytes = Buffer.from(await res.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = bytes.subarray(3).toString('utf8').split('\r\n');
    expect(rows[0]).toBe('sid,received,id,type,at,source,center,case,reason,column,path,visitor');
    expect(rows[1]).toContain(`,${sent.d1[0]!.id},case.suspended,${sent.d1[0]!.at},cases,yiyang,C-7,补正,,,`);
    expect(rows[2]).toContain(`,portal.hit,${sent.d1[1]!.at},portal,yiyang,,,市民留言,/news/1,v9`);
    expect(rows[3]).toBe('');
  });

  it('refuses a bad range naming its field, 366 days at most', async () => {
    const far = new Date(Date.parse(`${TODAY}T00:00:00+08:00`) + 400 * 86_400_000 + 8 * 3_600_000).toISOString().slice(0, 10);
    const cases: [string, string][] = [
      [`to=${TODAY}`, 'from'],
      [`from=${TODAY}`, 'to'],
      [`from=${TODAY}&to=${D1}`, 'to'],
      [`from=${TODAY}&to=${far}`, 'to'],
      [`from=${TODAY}&to=${TODAY}&type=ticket.bogus`, 'type'],
      [`from=${TODAY}&to=${TODAY}&format=xlsx`, 'format'],
      [`from=yesterday&to=${TODAY}`, 'from'],
    ];
    for (const [query, field] of cases) {
      const res = await get(query);
      expect(res.status, query).toBe(400);
      expect((await res.json()).field, query).toBe(field);
    }
    expect(dayIndexOfDate(far) - dayIndexOfDate(TODAY)).toBe(400);
  });

  it('is for admins only, audited, and refused to a page of another site or origin', async () => {
    expect((await fetch(`${hub.url}/api/v1/events/export?from=${D1}&to=${D1}`)).status).toBe(401);
    await hub.auth.users.create({ username: 'leader1', password: 'leader-pass-01', role: 'leader' } as never);
    const leader = (await signInFrom(hub, 'leader1', 'leader-pass-01')).cookie!;
    expect((await fetch(`${hub.url}/api/v1/events/export?from=${D1}&to=${D1}`, { headers: { cookie: leader } })).status).toBe(403);

    const before = (await auditEntries(hub, 'events.exported')).length;
    for (const site of ['cross-site', 'same-site']) {
      const res = await get(`from=${D1}&to=${D1}`, { 'sec-fetch-site': site, origin: 'http://evil.example' });
      expect(res.status).toBe(403);
      expect((await res.json()).field).toBe('sec-fetch-site');
    }
    expect((await auditEntries(hub, 'events.exported')).length).toBe(before);
    expect((await get(`from=${D1}&to=${D1}&type=trade.closed&format=csv`, { 'sec-fetch-site': 'same-origin' })).status).toBe(200);
    const audit = await auditEntries(hub, 'events.exported');
    expect(audit.at(-1)).toMatchObject({ actor: 'admin', target: `events-${D1}-to-${D1}.csv`, detail: { types: ['trade.closed'], format: 'csv' } });
  });
});
