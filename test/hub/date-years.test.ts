/** `date=`, `from=` and `to=` take years 2000 to 2100 only: anything else is a 400 naming the field. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../../server/hub.ts';
import { fixedClock } from '../helpers/test-clock.ts';
import { startTestHub, testPrefix } from '../helpers/test-hub.ts';

describe('dates in read queries', () => {
  let hub: Hub;
  beforeAll(async () => {
    hub = await startTestHub(testPrefix(), { now: fixedClock('10:00') });
  });
  afterAll(async () => {
    await hub.stop();
  });

  const get = async (path: string) => {
    const res = await fetch(`${hub.url}${path}`);
    return { status: res.status, body: await res.json() };
  };

  it('refuses years before 2000 and after 2100 with a field error', async () => {
    for (const [path, field] of [
      ['/api/v1/snapshot?date=1999-12-31', 'date'],
      ['/api/v1/snapshot?date=2101-01-01', 'date'],
      ['/api/v1/snapshot?date=0000-01-01', 'date'],
      ['/api/v1/snapshot?date=9999-12-31T00:00:00Z', 'date'],
      ['/api/v1/series?metric=portal.pv&interval=day&from=1970-01-01&to=2000-01-05', 'from'],
      ['/api/v1/series?metric=portal.pv&interval=day&from=2100-12-30&to=2101-01-02', 'to'],
    ] as const) {
      const { status, body } = await get(path);
      expect(status, path).toBe(400);
      expect(body.field, path).toBe(field);
    }
  });

  it('takes the first and last day of the range', async () => {
    expect((await get('/api/v1/snapshot?date=2000-01-01')).status).toBe(200);
    expect((await get('/api/v1/snapshot?date=2100-12-31')).status).toBe(200);
    expect((await get('/api/v1/series?metric=portal.pv&interval=day&from=2100-12-01&to=2100-12-31')).status).toBe(200);
  });
});
