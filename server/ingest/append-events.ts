/** Makes validated events durable: one atomic script de-duplicates by id and appends to the stream. */
import type { Scope } from '../../common/catalog.ts';
import type { CatalogIndex } from '../catalog/load-catalog.ts';
import type { RedisClient } from '../redis/connect.ts';
import type { RedisKeys } from '../redis/keys.ts';
import type { ScriptCommands } from '../redis/scripts.ts';
import { StoreRefusal } from '../redis/store-failure.ts';
import { enrichEvent, recordJson } from './enrich-event.ts';
import { portalHitDigest } from './portal-hit-digest.ts';
import type { RejectedEvent } from '../../common/events.ts';
import type { ValidEvent } from './validate-batch.ts';

export interface AppendResult {
  accepted: number;
  duplicates: number;
  /** Set when the script applied the batch to the aggregates too: the scopes it touched. */
  appliedScopes?: Scope[];
  /**
   * Events the script refused (not taken): a record it could not check or apply, or an amount
   * that would take a day's sum past 2^53 - 1 fen. Checked before the script's first write.
   */
  refused: RejectedEvent[];
  /** Why the script failed on refused events, for the log (a fault of the hub, not of the sender). */
  faults?: string[];
}

/** Redis ran the append after the hub had stopped waiting: nothing was taken. */
export class AppendDeadlineError extends StoreRefusal {
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
  /** The event types some alert rule watches: copied to the alert stream too (told by the hub, from server/alerts/). */
  alertEventTypes: ReadonlySet<string>;
}

export async function appendEvents(
  redis: RedisClient & ScriptCommands,
  keys: RedisKeys,
  source: string,
  events: ValidEvent[],
  opts: AppendOptions,
): Promise<AppendResult> {
  if (events.length === 0) return { accepted: 0, duplicates: 0, refused: [] };
  const args: (string | number)[] = [
    keys.prefix,
    opts.dedupeDays,
    opts.now,
    source,
    opts.deadline,
    opts.retentionMs,
    opts.applyInline ? keys.group : '',
    keys.alertsGroup,
  ];
  const records = events.map(({ event, ms }) => enrichEvent(event, opts.catalog, ms));
  const digest = portalHitDigest(records);
  // the days of the events' `at` (each keys its de-duplication set), in runs of equal days
  const dayRuns: number[] = [];
  const watched: number[] = [];
  records.forEach((record, i) => {
    if (dayRuns.length > 0 && dayRuns[dayRuns.length - 2] === record.day) dayRuns[dayRuns.length - 1]!++;
    else dayRuns.push(record.day, 1);
    if (opts.alertEventTypes.has(record.t)) watched.push(i + 1);
  });
  args.push(digest.hits.length > 0 ? JSON.stringify(digest) : '', JSON.stringify(dayRuns), JSON.stringify(watched));
  records.forEach((record, i) => args.push(events[i]!.event.id, recordJson(record)));
  const [flags, touched, applied, refusals] = await redis.ygAppendEvents(keys.stream, keys.sourceSeen, keys.alertStream, keys.deadLetters, ...args);
  if (flags[0] === -1) throw new AppendDeadlineError();
  let accepted = 0;
  let duplicates = 0;
  for (const f of flags) {
    if (f === 1) accepted++;
    else if (f === 0) duplicates++;
  }
  const refused: RejectedEvent[] = [];
  const faults: string[] = [];
  for (let i = 0; i + 3 < refusals.length; i += 4) {
    const valid = events[Number(refusals[i]) - 1];
    if (!valid) continue;
    refused.push({ index: valid.index, id: valid.event.id, errors: [{ path: String(refusals[i + 1]), message: String(refusals[i + 2]) }] });
    if (refusals[i + 3]) faults.push(`${valid.event.id}: ${String(refusals[i + 3])}`);
  }
  return {
    accepted,
    duplicates,
    refused,
    ...(faults.length > 0 ? { faults } : {}),
    ...(applied === 1 ? { appliedScopes: touched as Scope[] } : {}),
  };
}
