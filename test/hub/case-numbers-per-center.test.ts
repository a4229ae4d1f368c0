/**
 * A case number is unique within its center only: two centers using the same number have two
 * cases, counted apart in the aggregates, the open-case sets and the alert engine's case state.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../../server/hub.ts';
import { ev } from '../helpers/events.ts';
import { at, fixedClock, TODAY } from '../helpers/test-clock.ts';
import { drained, getJson, postEvents, startTestHub, testPrefix } from '../helpers/test-hub.ts';
import { alertsDrained } from '../alerts/alert-hub.ts';

const snapshot = (hub: Hub, scope: string) => getJson(hub, `/api/v1/snapshot?scope=${scope}&date=${TODAY}`);
const heshan = <T extends object>(e: T) => ({ ...e, center: 'heshan' });

describe('the same case number in two centers', () => {
  let hub: Hub;
  beforeAll(async () => {
    hub = await startTestHub(testPrefix(), { now: fixedClock('16:00') });
    const accepted = await postEvents(hub, 'cases', [
      ev.accepted(at('09:00'), 'C-0001', 5),
      heshan(ev.accepted(at('09:05'), 'C-0001', 5, 'heshan.realestate', 'heshan.realestate.transfer')),
      ev.accepted(at('09:10'), 'C-0002', 5),
    ]);
    expect([accepted.body.accepted, accepted.body.rejected]).toEqual([3, []]);
    // the number completed in yiyang, suspended in heshan, returned in yiyang: each reaches its own case
    const rest = await postEvents(hub, 'cases', [ev.completed(at('11:00'), 'C-0001'), heshan(ev.suspended(at('11:30'), 'C-0001'))]);
    expect(rest.body.accepted).toBe(2);
    await drained(hub);
    await alertsDrained(hub);
  });
  afterAll(async () => {
    await hub.stop();
  });

  it("counts both acceptances and closes only the center's own case", async () => {
    const [yiyang, other, city] = await Promise.all(['center:yiyang', 'center:heshan', 'city'].map((s) => snapshot(hub, s)));
    expect(yiyang.cases).toMatchObject({ accepted: 2, completed: 1, inProgress: 1 });
    // heshan's C-0001 is suspended, not completed by yiyang's completion
    expect(other.cases).toMatchObject({ accepted: 1, completed: 0, inProgress: 1 });
    expect(city.cases).toMatchObject({ accepted: 3, completed: 1, inProgress: 2 });
  });

  it('keeps one case state and one open-set member per center', async () => {
    const { redis, keys } = hub;
    expect(await redis.hget(`${keys.prefix}case:yiyang:C-0001`, 'status')).toBe('done');
    expect(await redis.hget(`${keys.prefix}case:heshan:C-0001`, 'status')).toBe('suspended');
    expect(await redis.exists(`${keys.prefix}case:C-0001`)).toBe(0);
    // suspended cases leave the open set (their clock stops); yiyang's C-0002 is still there
    expect(await redis.zrange(keys.openCases('city'), 0, -1)).toEqual(['yiyang:C-0002']);
    expect(await redis.hget(keys.alertCase('yiyang:C-0001'), 'status')).toBe('done');
    expect(await redis.hget(keys.alertCase('heshan:C-0001'), 'status')).toBe('suspended');
  });
});
