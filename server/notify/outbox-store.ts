/**
 * The outbox's Redis keys and its three atomic steps (Lua, defined on the hub's client): enqueue a
 * delivery once, claim due entries with a lease, and record an attempt's outcome once. Scores are
 * the hub's clock (ms), so tests drive retries and leases with their own clock.
 */
import type { DeliveryLogEntry } from '../../common/notify.ts';
import type { RedisClient } from '../redis/connect.ts';
import { DAY_MS } from '../../common/time.ts';

/** Deliveries, logs and chains are kept this long (like a closed alert). */
export const NOTIFY_KEEP_MS = 200 * DAY_MS;

export function notifyKeys(prefix: string) {
  return {
    delivery: (id: string) => `${prefix}notify:d:${id}`,
    /** Deliveries due (or leased until) a time. */
    due: `${prefix}notify:due`,
    /** Alerts whose next notification level is due at a time. */
    escalations: `${prefix}notify:esc`,
    chain: (alertId: string) => `${prefix}notify:chain:${alertId}`,
    ofAlert: (alertId: string) => `${prefix}notify:alert:${alertId}`,
    log: (alertId: string) => `${prefix}notify:log:${alertId}`,
    rate: (channel: string, minute: number) => `${prefix}notify:rate:${channel}:${minute}`,
    config: `${prefix}notify:config`,
    configVersion: `${prefix}notify:config:version`,
  };
}
export type NotifyKeys = ReturnType<typeof notifyKeys>;

const ENQUEUE = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local f = cjson.decode(ARGV[3])
for k, v in pairs(f) do redis.call('HSET', KEYS[1], k, v) end
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
redis.call('SADD', KEYS[3], ARGV[1])
redis.call('RPUSH', KEYS[4], ARGV[4])
for i = 1, 4 do if i ~= 2 then redis.call('PEXPIRE', KEYS[i], ARGV[5]) end end
return 1`;

const CLAIM = `
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
for _, id in ipairs(ids) do redis.call('ZADD', KEYS[1], ARGV[2], id) end
return ids`;

// outcome: sent | gave-up end the delivery; retry | defer set its next time. A sent that comes
// after another worker's (its lease ran out meanwhile) is not recorded again.
const FINISH = `
local state = redis.call('HGET', KEYS[1], 'state')
if state ~= 'pending' then return 0 end
local outcome = ARGV[3]
if outcome ~= 'sent' and tonumber(redis.call('ZSCORE', KEYS[2], ARGV[1]) or '-1') ~= tonumber(ARGV[2]) then return 0 end
local f = cjson.decode(ARGV[5])
for k, v in pairs(f) do redis.call('HSET', KEYS[1], k, v) end
if outcome == 'sent' or outcome == 'gave-up' then redis.call('ZREM', KEYS[2], ARGV[1]) else redis.call('ZADD', KEYS[2], ARGV[4], ARGV[1]) end
if ARGV[6] ~= '' then redis.call('RPUSH', KEYS[3], ARGV[6]); redis.call('PEXPIRE', KEYS[3], ARGV[7]) end
return 1`;

/** Sets the next time of a claimed entry only while the lease is still ours. */
const RELEASE = `
if tonumber(redis.call('ZSCORE', KEYS[1], ARGV[1]) or '-1') ~= tonumber(ARGV[2]) then return 0 end
if ARGV[3] == '' then redis.call('ZREM', KEYS[1], ARGV[1]) else redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1]) end
return 1`;

interface OutboxCommands {
  ygNotifyEnqueue(
    d: string,
    due: string,
    ofAlert: string,
    log: string,
    id: string,
    nextAt: number,
    fields: string,
    entry: string,
    keepMs: number,
  ): Promise<number>;
  ygNotifyClaim(zset: string, now: number, leaseUntil: number, limit: number): Promise<string[]>;
  ygNotifyFinish(
    d: string,
    due: string,
    log: string,
    id: string,
    leaseUntil: number,
    outcome: string,
    nextAt: number,
    fields: string,
    entry: string,
    keepMs: number,
  ): Promise<number>;
  ygNotifyRelease(zset: string, id: string, leaseUntil: number, nextAt: number | ''): Promise<number>;
}
export type OutboxRedis = RedisClient & OutboxCommands;

export function withOutboxScripts(redis: RedisClient): OutboxRedis {
  const r = redis as OutboxRedis;
  if (typeof (r as Partial<OutboxCommands>).ygNotifyClaim === 'function') return r;
  r.defineCommand('ygNotifyEnqueue', { numberOfKeys: 4, lua: ENQUEUE });
  r.defineCommand('ygNotifyClaim', { numberOfKeys: 1, lua: CLAIM });
  r.defineCommand('ygNotifyFinish', { numberOfKeys: 3, lua: FINISH });
  r.defineCommand('ygNotifyRelease', { numberOfKeys: 1, lua: RELEASE });
  return r;
}

export function logEntry(e: DeliveryLogEntry): string {
  return JSON.stringify(e);
}
