/**
 * Hub health: whether Redis answers, whether it takes writes, whether its disk and memory still
 * allow it to, and how far the aggregators are behind the stream. A load balancer or a monitor
 * reads `/healthz`: 503 means "this hub cannot take events now", so anything that makes Redis
 * refuse writes (or about to) is a 503, not just an unreachable Redis.
 */
import type { RedisClient } from '../redis/connect.ts';
import type { RedisKeys } from '../redis/keys.ts';
import { failureCode, isReplyError } from '../redis/store-failure.ts';
import type { HubMetrics } from './metrics.ts';

/**
 * Why the hub is degraded; every reason but `consumer-lag` and `archive-store-down` (the archive's
 * object store failing for long: docs/archive.md) answers 503.
 */
export type DegradedReason = 'redis-unreachable' | 'redis-refuses-writes' | 'aof-write-failed' | 'memory-high' | 'consumer-lag' | 'archive-store-down';

export interface Health {
  status: 'ok' | 'degraded';
  /** Empty when `ok`. */
  reasons: DegradedReason[];
  redis: {
    reachable: boolean;
    latencyMs: number | null;
    error?: string;
    /** A probe write was taken; false: Redis refuses writes, `writeError` has its error code (OOM, MISCONF, READONLY …). */
    writable: boolean | null;
    writeError?: string;
    /** INFO persistence `aof_last_write_status` (null: AOF off). */
    aofLastWrite: 'ok' | 'err' | null;
    /** INFO memory; `ratio` is used / maxmemory (null: no maxmemory). */
    memory: { usedBytes: number; maxBytes: number; ratio: number | null } | null;
  };
  consumer: { lag: number | null; pending: number | null };
  deadLetters: number | null;
}

/** Consumer lag above this many entries marks the hub degraded (it still takes events: 200). */
export const LAG_DEGRADED = 50_000;
/** Used memory above this share of maxmemory: degraded, before Redis starts refusing writes. */
export const MEMORY_DEGRADED = 0.9;
const PROBE_TTL_MS = 60_000;

export function healthHttpStatus(health: Health): 200 | 503 {
  return health.reasons.some((r) => r !== 'consumer-lag' && r !== 'archive-store-down') ? 503 : 200;
}

export async function checkHealth(redis: RedisClient, keys: RedisKeys, metrics: HubMetrics): Promise<Health> {
  const started = performance.now();
  try {
    await redis.ping();
  } catch (err) {
    // Redis refuses even PING after a failed disk write (MISCONF): it answered, so it is
    // reachable, and the checks below say what it refuses
    if (!isReplyError(err)) return unreachable(err as Error);
  }
  const latencyMs = performance.now() - started;
  metrics.redisLatency.observe(latencyMs / 1000);
  // the probe is a real write: it fails exactly when Redis refuses writes (OOM under noeviction,
  // MISCONF after a failed AOF write or RDB save, READONLY on a replica), whatever the cause
  const [groups, deadLetters, writeError, memoryInfo, persistenceInfo] = await Promise.all([
    redis.xinfo('GROUPS', keys.stream).catch(() => []) as Promise<unknown[][]>,
    redis.xlen(keys.deadLetters).catch(() => null),
    redis.set(keys.healthProbe, String(Date.now()), 'PX', PROBE_TTL_MS).then(
      () => null,
      (err: unknown) => failureCode(err),
    ),
    redis.info('memory').catch(() => ''),
    redis.info('persistence').catch(() => ''),
  ]);
  const group = groups.map(toRecord).find((g) => g.name === keys.group);
  const lag = group ? Number(group.lag ?? 0) : null;
  const pending = group ? Number(group.pending ?? 0) : null;
  const memory = memoryOf(memoryInfo);
  const aofLastWrite =
    infoField(persistenceInfo, 'aof_enabled') === '1' ? (infoField(persistenceInfo, 'aof_last_write_status') === 'err' ? 'err' : 'ok') : null;

  if (lag !== null) metrics.consumerLag.set(lag);
  if (pending !== null) metrics.consumerPending.set(pending);
  if (deadLetters !== null) metrics.deadLetters.set(deadLetters);
  metrics.redisWritable.set(writeError === null ? 1 : 0);
  if (memory) {
    metrics.redisUsedMemory.set(memory.usedBytes);
    metrics.redisMaxMemory.set(memory.maxBytes);
  }

  const reasons: DegradedReason[] = [];
  if (writeError !== null) reasons.push('redis-refuses-writes');
  if (aofLastWrite === 'err') reasons.push('aof-write-failed');
  if (memory && memory.maxBytes > 0 && memory.usedBytes > MEMORY_DEGRADED * memory.maxBytes) reasons.push('memory-high');
  if (lag !== null && lag > LAG_DEGRADED) reasons.push('consumer-lag');
  return {
    status: reasons.length > 0 ? 'degraded' : 'ok',
    reasons,
    redis: {
      reachable: true,
      latencyMs: Math.round(latencyMs * 100) / 100,
      writable: writeError === null,
      ...(writeError !== null ? { writeError } : {}),
      aofLastWrite,
      memory,
    },
    consumer: { lag, pending },
    deadLetters,
  };
}

function unreachable(err: Error): Health {
  return {
    status: 'degraded',
    reasons: ['redis-unreachable'],
    redis: { reachable: false, latencyMs: null, error: err.message, writable: null, aofLastWrite: null, memory: null },
    consumer: { lag: null, pending: null },
    deadLetters: null,
  };
}

function memoryOf(info: string): Health['redis']['memory'] {
  const used = Number(infoField(info, 'used_memory'));
  const max = Number(infoField(info, 'maxmemory'));
  if (!Number.isFinite(used) || !Number.isFinite(max) || infoField(info, 'used_memory') === undefined) return null;
  return { usedBytes: used, maxBytes: max, ratio: max > 0 ? Math.round((used / max) * 1000) / 1000 : null };
}

function infoField(info: string, name: string): string | undefined {
  const m = new RegExp(`^${name}:(.*)$`, 'm').exec(info);
  return m ? m[1]!.trim() : undefined;
}

function toRecord(flat: unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[String(flat[i])] = flat[i + 1];
  return out;
}
