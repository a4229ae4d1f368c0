/** Makes validated events durable: one atomic script de-duplicates by id and appends to the stream. */
import type { Scope } from '../../common/catalog.ts';
import { WATCHED_EVENT_TYPES } from '../alerts/event-ops.ts';
import type { CatalogIndex } from '../catalog/load-catalog.ts';
import type { RedisClient } from '../redis/connect.ts';
import type { RedisKeys } from '../redis/keys.ts';
import type { ScriptCommands } from '../redis/scripts.ts';
import { enrichEvent } from './enrich-event.ts';
import type { ValidEvent } from './validate-batch.ts';

export interface AppendResult {
  accepted: number;
  duplicates: number;
  /** Set when the script applied the batch to the aggregates too: the scopes it touched. */
  appliedScopes?: Scope[];
  /** Stream ids of events the script could not apply (in the dead-letter stream). */
  deadLettered?: string[];
}

/** Redis ran the append after the hub had stopped waiting: nothing was taken. */
export class AppendDeadlineError extends Error {
  override name = 'AppendDeadlineError';
  constructor() {
    super('Redis took too long to answer; nothing of the batch was taken');
  }
}

export interface AppendOptions {
  catalog: CatalogIndex;
  dedupeDays: number;
  /** How long the alert log keeps an entry (the aggregation script trims the main log). */
  retentionMs: number;
  now: number;
  /** Redis-clock epoch ms after which the script must take nothing. */
  deadline: number;
  /** Apply the batch at once when the aggregators are caught up (hubs that aggregate). */
  applyInline: boolean;
}

export async function appendEvents(
  redis: RedisClient & ScriptCommands, keys: RedisKeys, source: string, events: ValidEvent[], opts: AppendOptions,
): Promise<AppendResult> {
  if (events.length === 0) return { accepted: 0, duplicates: 0 };
  const args: (string | number)[] = [keys.prefix, opts.dedupeDays, opts.now, source, opts.deadline, opts.retentionMs, opts.applyInline ? keys.group : ''];
  for (const { event } of events) {
    const record = enrichEvent(event, opts.catalog);
    // the day of the event's `at` also keys its de-duplication set
    args.push(event.id, record.day, JSON.stringify(record), WATCHED_EVENT_TYPES.has(event.type) ? 1 : 0);
  }
  const [flags, touched, applied, failed] = await redis.ygAppendEvents(keys.stream, keys.sourceSeen, keys.alertStream, keys.deadLetters, ...args);
  if (flags[0] === -1) throw new AppendDeadlineError();
  const accepted = flags.reduce((n, f) => n + f, 0);
  return {
    accepted, duplicates: flags.length - accepted,
    ...(applied === 1 ? { appliedScopes: touched as Scope[] } : {}),
    ...(failed.length > 0 ? { deadLettered: failed } : {}),
  };
}
