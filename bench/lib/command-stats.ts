/** What Redis's commands took (`INFO commandstats`), to tell where its time per event goes. */
import type { RedisClient } from '../../server/redis/connect.ts';

export interface CommandStat {
  calls: number;
  usec: number;
}

/** Each command's calls and microseconds since the last `CONFIG RESETSTAT`, by name (lower case). */
export async function commandStats(redis: RedisClient): Promise<Map<string, CommandStat>> {
  const out = new Map<string, CommandStat>();
  for (const line of (await redis.info('commandstats')).split('\n')) {
    const m = /^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/.exec(line);
    if (m) out.set(m[1]!, { calls: Number(m[2]), usec: Number(m[3]) });
  }
  return out;
}

/** What the commands took between two readings (INFO's figures only grow; RESETSTAT would clear others the bench reads). */
export function commandsSince(before: Map<string, CommandStat>, after: Map<string, CommandStat>): Map<string, CommandStat> {
  const out = new Map<string, CommandStat>();
  for (const [name, s] of after) {
    const b = before.get(name) ?? { calls: 0, usec: 0 };
    if (s.calls > b.calls) out.set(name, { calls: s.calls - b.calls, usec: s.usec - b.usec });
  }
  return out;
}

/** The busiest commands as table rows: µs and calls per 100 events. */
export function commandRows(stats: Map<string, CommandStat>, events: number, top = 12): Record<string, string>[] {
  return [...stats]
    .filter(([name]) => !name.startsWith('config') && name !== 'info')
    .sort((a, b) => b[1].usec - a[1].usec)
    .slice(0, top)
    .map(([name, s]) => ({ command: name.toUpperCase(), 'µs/event': (s.usec / events).toFixed(2), 'calls/100 events': ((100 * s.calls) / events).toFixed(1) }));
}
