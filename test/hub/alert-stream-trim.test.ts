/**
 * The alert stream is trimmed by age, but never past what the alert engines have taken: entries
 * their group has not read, or read and not acknowledged, stay however old they are. The hub
 * here does not aggregate, so no engine runs: the test reads and acknowledges as an engine would
 * (the group `alerts`), and entries are made old by their ids (10 days before now on Redis's clock).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../../server/hub.ts';
import { ev } from '../helpers/events.ts';
import { at, fixedClock } from '../helpers/test-clock.ts';
import { postEvents, startTestHub, testPrefix } from '../helpers/test-hub.ts';

const OLD = 300;
type Entry = [string, string[]];

describe('trimming the alert stream', () => {
  let hub: Hub;
  let base: number;
  const oldId = (i: number) => `${base + i}-0`;
  let n = 0;
  // a watched event (tickets are): the append script trims the alert stream after adding it
  const postWatched = async () => {
    n++;
    expect((await postEvents(hub, 'queue', [ev.issued(at('09:00'), `A${String(n).padStart(3, '0')}`)])).body.accepted).toBe(1);
  };
  const oldLeft = async () => (await hub.redis.xrange(hub.keys.alertStream, '-', `${base + OLD}`)).map(([id]) => id);
  const read = async (count: number) => {
    const res = (await hub.redis.xreadgroup('GROUP', hub.keys.alertsGroup, 'test-engine', 'COUNT', count, 'STREAMS', hub.keys.alertStream, '>')) as [
      string,
      Entry[],
    ][];
    return res[0]![1].map(([id]) => id);
  };

  beforeAll(async () => {
    hub = await startTestHub(testPrefix(), { now: fixedClock('10:00'), env: { AGGREGATOR: 'off' } });
    const [sec] = await hub.redis.time();
    base = Number(sec) * 1000 - 10 * 86_400_000;
    for (let i = 0; i < OLD; i++) await hub.redis.xadd(hub.keys.alertStream, oldId(i), 'r', JSON.stringify({ i }));
    // an engine that ran once and stopped: its group exists and has read nothing yet
    await hub.redis.xgroup('CREATE', hub.keys.alertStream, hub.keys.alertsGroup, '0');
  });
  afterAll(async () => {
    await hub.stop();
  });

  it('keeps old entries the engines have not read', async () => {
    await postWatched();
    expect(await oldLeft()).toHaveLength(OLD);
  });

  it('trims what was read and acknowledged, and keeps everything after it', async () => {
    const taken = await read(150);
    await hub.redis.xack(hub.keys.alertStream, hub.keys.alertsGroup, ...taken);
    await postWatched();
    const left = await oldLeft();
    expect(left.length).toBeLessThan(OLD);
    // every entry not yet read is still there
    for (let i = 150; i < OLD; i++) expect(left).toContain(oldId(i));
  });

  it('keeps an entry read but not acknowledged (an engine died holding it)', async () => {
    const taken = await read(1000);
    const held = oldId(200);
    await hub.redis.xack(hub.keys.alertStream, hub.keys.alertsGroup, ...taken.filter((id) => id !== held));
    await postWatched();
    const left = await oldLeft();
    for (let i = 200; i < OLD; i++) expect(left).toContain(oldId(i));
  });

  it('trims by age alone once everything is acknowledged', async () => {
    await hub.redis.xack(hub.keys.alertStream, hub.keys.alertsGroup, oldId(200));
    await postWatched();
    // '~' trims whole stream nodes: at most the node that also holds new entries keeps old ones
    expect((await oldLeft()).length).toBeLessThan(100);
  });
});
