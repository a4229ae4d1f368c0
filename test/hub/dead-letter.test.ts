import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../../server/hub.ts';
import { readDeadLetters } from '../../server/aggregate/dead-letters.ts';
import { ev } from '../helpers/events.ts';
import { TODAY, TODAY_INDEX, at, fixedClock } from '../helpers/test-clock.ts';
import { drained, getJson, postEvents, startTestHub, testPrefix } from '../helpers/test-hub.ts';

describe('a poison event in the stream', () => {
  let hub: Hub;
  beforeAll(async () => {
    hub = await startTestHub(testPrefix(), { now: fixedClock('12:00'), env: { ADMIN_PASSWORD: 'admin-password-1' } });
  });
  afterAll(async () => {
    await hub.stop();
  });

  it('goes to the dead-letter stream with its error while the rest keep flowing', async () => {
    // what a bug or a corrupted write could leave in the log: unreadable JSON, an unknown type
    await hub.redis.xadd(hub.keys.stream, '*', 'r', '{"id": "broken');
    const teleport = { ...ev.hit(at('10:00'), 'x'), type: 'portal.teleport' };
    const record = {
      t: teleport.type,
      day: TODAY_INDEX,
      hh: '10',
      mm: '0600',
      ms: Date.parse(teleport.at),
      month: TODAY.slice(0, 7),
      scopes: ['city'],
      e: teleport,
    };
    await hub.redis.xadd(hub.keys.stream, '*', 'r', JSON.stringify(record));
    await postEvents(hub, 'portal', [ev.hit(at('10:00'), 'good-1'), ev.hit(at('10:00:01'), 'good-2')]);
    await drained(hub);

    expect((await getJson(hub, '/api/v1/snapshot?scope=city')).portal.pv).toBe(2);
    const dead = await readDeadLetters(hub.redis, hub.keys);
    expect(dead.total).toBe(2);
    expect(dead.items.map((d) => d.error).join('\n')).toMatch(/unreadable record JSON/);
    expect(dead.items.map((d) => d.error).join('\n')).toMatch(/no handler for event type portal.teleport/);
    expect(dead.items.map((d) => d.record).join('\n')).toContain('portal.teleport');
    const metrics = await (await fetch(`${hub.url}/metrics`)).text();
    expect(metrics).toMatch(/^yg_dead_letter_events 2$/m);
    expect((await getJson(hub, '/healthz')).deadLetters).toBe(2);
  });

  it('is listed to admins only', async () => {
    expect((await fetch(`${hub.url}/api/v1/admin/dead-letters`)).status).toBe(401);
    const login = await fetch(`${hub.url}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: 'admin-password-1' }),
    });
    expect(login.status).toBe(200);
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const res = await fetch(`${hub.url}/api/v1/admin/dead-letters`, { headers: { cookie } });
    expect(res.status).toBe(200);
    expect((await res.json()).total).toBe(2);
  });
});
