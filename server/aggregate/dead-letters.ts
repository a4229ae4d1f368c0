/** The dead-letter stream: events aggregation gave up on, with their error, for an admin to inspect. */
import type { RedisClient } from '../redis/connect.ts';
import type { RedisKeys } from '../redis/keys.ts';

export interface DeadLetter {
  id: string;
  sid: string;
  error: string;
  record: string;
}

export async function readDeadLetters(redis: RedisClient, keys: RedisKeys, count = 100): Promise<{ total: number; items: DeadLetter[] }> {
  const [total, entries] = await Promise.all([
    redis.xlen(keys.deadLetters),
    redis.xrevrange(keys.deadLetters, '+', '-', 'COUNT', count) as Promise<[string, string[]][]>,
  ]);
  const items = entries.map(([id, fields]) => {
    const f: Record<string, string> = {};
    for (let i = 0; i + 1 < fields.length; i += 2) f[fields[i]!] = fields[i + 1]!;
    return { id, sid: f.sid ?? '', error: f.error ?? '', record: f.record ?? '' };
  });
  return { total, items };
}
