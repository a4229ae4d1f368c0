/** Hub health: Redis reachable and how far the aggregators are behind the stream. */
import type { RedisClient } from '../redis/connect.ts';
import type { RedisKeys } from '../redis/keys.ts';
import type { HubMetrics } from './metrics.ts';

export interface Health {
  status: 'ok' | 'degraded';
  redis: { reachable: boolean; latencyMs: number | null; error?: string };
  consumer: { lag: number | null; pending: number | null };
  deadLetters: number | null;
}

/** Consumer lag above this many entries marks the hub degraded. */
export const LAG_DEGRADED = 50_000;

export async function checkHealth(redis: RedisClient, keys: RedisKeys, metrics: HubMetrics): Promise<Health> {
  const started = performance.now();
  try {
    await redis.ping();
    const latencyMs = performance.now() - started;
    metrics.redisLatency.observe(latencyMs / 1000);
    const groups = (await redis.xinfo('GROUPS', keys.stream).catch(() => [])) as unknown[][];
    const group = groups.map(toRecord).find((g) => g.name === keys.group);
    const lag = group ? Number(group.lag ?? 0) : null;
    const pending = group ? Number(group.pending ?? 0) : null;
    const deadLetters = await redis.xlen(keys.deadLetters);
    if (lag !== null) metrics.consumerLag.set(lag);
    if (pending !== null) metrics.consumerPending.set(pending);
    metrics.deadLetters.set(deadLetters);
    return {
      status: lag !== null && lag > LAG_DEGRADED ? 'degraded' : 'ok',
      redis: { reachable: true, latencyMs: Math.round(latencyMs * 100) / 100 },
      consumer: { lag, pending },
      deadLetters,
    };
  } catch (err) {
    return { status: 'degraded', redis: { reachable: false, latencyMs: null, error: (err as Error).message }, consumer: { lag: null, pending: null }, deadLetters: null };
  }
}

function toRecord(flat: unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[String(flat[i])] = flat[i + 1];
  return out;
}
