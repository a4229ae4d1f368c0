/**
 * The consumer-group reader: reads the event stream, applies each batch atomically with the
 * apply-events script (which also acknowledges it), and periodically claims entries that a
 * crashed reader left pending. Several hub processes share the work through the group.
 */
import crypto from 'node:crypto';
import os from 'node:os';
import type { Logger } from 'pino';
import type { Scope } from '../../common/catalog.ts';
import type { CatalogIndex } from '../catalog/load-catalog.ts';
import type { RedisClient } from '../redis/connect.ts';
import type { RedisKeys } from '../redis/keys.ts';
import type { ScriptCommands } from '../redis/scripts.ts';
import { enrichEvent, looksLikeEvent, recordJson } from './enrich-event.ts';

type StreamEntry = [id: string, fields: string[]];

export interface AggregatorOptions {
  redis: RedisClient & ScriptCommands;
  /** A separate connection for the blocking XREADGROUP. */
  reader: RedisClient;
  keys: RedisKeys;
  catalog: CatalogIndex;
  log: Logger;
  /** @default 500 */
  batchSize?: number;
  /** An entry pending this long with its reader is presumed abandoned and claimed. @default 30000 */
  claimIdleMs?: number;
  /** @default 5000 */
  claimEveryMs?: number;
  /** @default 1000 */
  blockMs?: number;
  /** A batch that keeps failing is retried; an entry delivered more often than this is dead-lettered. @default 5 */
  maxDeliveries?: number;
  /** Called after each applied batch with the scopes whose numbers may have changed. */
  onApplied?: (scopes: Set<Scope>, applied: number) => void;
  consumerName?: string;
}

export interface Aggregator {
  readonly consumer: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Entries applied since start (for metrics and tests). */
  readonly stats: { applied: number; skipped: number; failed: number; batches: number };
}

export function createAggregator(opts: AggregatorOptions): Aggregator {
  const { redis, reader, keys, catalog, log } = opts;
  const batchSize = opts.batchSize ?? 500;
  const claimIdleMs = opts.claimIdleMs ?? 30_000;
  const claimEveryMs = opts.claimEveryMs ?? 5_000;
  const blockMs = opts.blockMs ?? 1_000;
  const maxDeliveries = opts.maxDeliveries ?? 5;
  const consumer = opts.consumerName ?? `${os.hostname()}-${process.pid}-${crypto.randomBytes(3).toString('hex')}`;
  const stats = { applied: 0, skipped: 0, failed: 0, batches: 0 };
  let running = false;
  let loop: Promise<void> | null = null;
  let lastClaim = 0;

  interface PreparedBatch {
    entries: StreamEntry[];
    records: string[];
    scopes: Set<Scope>;
    poison: { sid: string; error: string; raw: string }[];
  }

  /** CPU work of a batch (parse, enrich, serialise), kept apart so it can overlap the previous batch's script. */
  function prepareBatch(entries: StreamEntry[]): PreparedBatch {
    const prepared: PreparedBatch = { entries, records: [], scopes: new Set(), poison: [] };
    for (const [sid, fields] of entries) {
      const raw = fields[fields.indexOf('e') + 1] ?? '';
      try {
        // The stream holds events validated at ingest; a record that no longer reads is a bug or a
        // corrupted write. It must not block the ones behind it.
        const event: unknown = JSON.parse(raw);
        if (!looksLikeEvent(event)) throw new Error('not an event of contract v1');
        const record = enrichEvent(sid, event, catalog);
        for (const s of record.scopes) prepared.scopes.add(s);
        prepared.records.push(recordJson(record, raw));
      } catch (err) {
        prepared.poison.push({ sid, error: err instanceof Error ? err.message.slice(0, 500) : String(err), raw });
      }
    }
    return prepared;
  }

  const applyBatch = (entries: StreamEntry[]) => commitBatch(prepareBatch(entries));

  async function commitBatch({ entries, records, scopes, poison }: PreparedBatch): Promise<void> {
    if (poison.length > 0) await deadLetter(poison);
    if (records.length === 0) return;
    const first = entries[0]![0];
    const last = entries[entries.length - 1]![0];
    const [applied, skipped, failed, touched] = await redis.ygApplyEvents(
      keys.stream, keys.group, consumer, keys.prefix, first, last, entries.length * 2 + 100, ...records,
    );
    stats.applied += applied;
    stats.skipped += skipped;
    stats.failed += failed.length;
    stats.batches++;
    if (failed.length > 0) log.error({ failed }, 'aggregation failed for some events; they are in the dead-letter stream');
    // Case events count in the scopes kept with the case: the script reports those it touched.
    for (const s of touched ?? []) scopes.add(s as Scope);
    if (applied > 0) opts.onApplied?.(scopes, applied);
  }

  async function deadLetter(items: { sid: string; error: string; raw: string }[]): Promise<void> {
    log.error({ sids: items.map((i) => i.sid), error: items[0]!.error }, 'events cannot be aggregated; moved to the dead-letter stream');
    const p = redis.pipeline();
    for (const i of items) p.xadd(keys.deadLetters, 'MAXLEN', '~', 100_000, '*', 'sid', i.sid, 'error', i.error, 'record', i.raw);
    p.xack(keys.stream, keys.group, ...items.map((i) => i.sid));
    await p.exec();
    stats.failed += items.length;
  }

  /** Entries delivered this often keep failing as a batch: give up on them one by one. */
  async function withoutRepeatOffenders(entries: StreamEntry[]): Promise<StreamEntry[]> {
    if (entries.length === 0) return entries;
    const info = (await redis.xpending(keys.stream, keys.group, entries[0]![0], entries.at(-1)![0], entries.length * 2 + 100, consumer)) as [string, string, number, number][];
    const deliveries = new Map(info.map(([sid, , , count]) => [sid, count]));
    const offenders = entries.filter(([sid]) => (deliveries.get(sid) ?? 0) > maxDeliveries);
    if (offenders.length === 0) return entries;
    await deadLetter(offenders.map(([sid, fields]) => ({ sid, error: `gave up after ${maxDeliveries} deliveries`, raw: fields[fields.indexOf('e') + 1] ?? '' })));
    const gone = new Set(offenders.map(([sid]) => sid));
    return entries.filter(([sid]) => !gone.has(sid));
  }

  async function claimAbandoned(): Promise<void> {
    let cursor = '0-0';
    do {
      const [next, entries] = (await redis.xautoclaim(keys.stream, keys.group, consumer, claimIdleMs, cursor, 'COUNT', batchSize)) as [string, StreamEntry[], string[]];
      const live = entries.filter((e) => Array.isArray(e[1]));
      if (live.length > 0) log.warn({ count: live.length }, 'claimed events a stopped reader left pending');
      await applyBatch(await withoutRepeatOffenders(live));
      cursor = next;
    } while (cursor !== '0-0' && running);
  }

  const readNew = async (): Promise<PreparedBatch | null> => {
    const res = (await reader.xreadgroup('GROUP', keys.group, consumer, 'COUNT', batchSize, 'BLOCK', blockMs, 'STREAMS', keys.stream, '>')) as [string, StreamEntry[]][] | null;
    const entries = res?.[0]?.[1] ?? [];
    return entries.length > 0 ? prepareBatch(entries) : null;
  };

  async function run(): Promise<void> {
    // The next batch is read and prepared while the current one's script runs in Redis, so the
    // hub's CPU work and Redis's overlap instead of taking turns. Batches are applied in order.
    let next: Promise<PreparedBatch | null> | null = null;
    while (running) {
      try {
        if (Date.now() - lastClaim >= claimEveryMs) {
          lastClaim = Date.now();
          await claimAbandoned();
        }
        const batch: PreparedBatch | null = await (next ?? readNew());
        next = running && batch ? readNew() : null;
        next?.catch(() => undefined); // its failure is handled when it is awaited
        if (batch) await commitBatch(batch);
      } catch (err) {
        next = null;
        if (!running) break;
        log.warn({ err: (err as Error).message }, 'aggregator: Redis call failed; retrying in 1 s');
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
    // entries read but not applied stay pending for this consumer; another reader claims them
    await next?.catch(() => undefined);
  }

  return {
    consumer,
    stats,
    async start() {
      await ensureGroup(redis, keys);
      running = true;
      loop = run();
    },
    async stop() {
      running = false;
      await loop;
    },
  };
}

export async function ensureGroup(redis: RedisClient, keys: RedisKeys): Promise<void> {
  try {
    await redis.xgroup('CREATE', keys.stream, keys.group, '0', 'MKSTREAM');
  } catch (err) {
    if (!/BUSYGROUP/.test((err as Error).message)) throw err;
  }
}
