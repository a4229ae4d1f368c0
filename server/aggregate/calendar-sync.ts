/** Copies the working-day calendar's exceptions into Redis, where the aggregation script reads them. */
import type { WorkCalendar } from '../../common/calendar.ts';
import type { RedisClient } from '../redis/connect.ts';
import type { RedisKeys } from '../redis/keys.ts';

export async function syncCalendar(redis: RedisClient, keys: RedisKeys, calendar: WorkCalendar): Promise<void> {
  const flat: string[] = [];
  for (const [day, work] of calendar.exceptions()) flat.push(String(day), work ? '1' : '0');
  await redis
    .multi()
    .del(keys.calendar)
    .hset(keys.calendar, ...flat)
    .exec();
}
