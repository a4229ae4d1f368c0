/**
 * `npm run admin -- rebuild --from D1 --to D2`: every aggregate of those days recomputed from the
 * archive (and the stream past it) and swapped in while the hubs serve (server/archive/rebuild.ts,
 * docs/archive.md "Rebuild"); also how the figures of a lost Redis come back (docs/deploy.md).
 */
import { dayIndexOfDate } from '../common/time.ts';
import type { HubConfig } from '../server/config/env.ts';
import { createArchiveReader } from '../server/archive/archive-reader.ts';
import { createObjectStore } from '../server/archive/object-store.ts';
import { rebuildDays, type RebuildResult } from '../server/archive/rebuild.ts';
import { withReplayScripts } from '../server/archive/replay-core.ts';
import { archiveThenStream } from '../server/archive/stream-source.ts';
import { createLogger } from '../server/observability/logger.ts';
import type { RedisClient } from '../server/redis/connect.ts';
import type { RedisKeys } from '../server/redis/keys.ts';

export class RebuildUsageError extends Error {
  override name = 'RebuildUsageError';
}

function dayOf(value: string | undefined, flag: string): number {
  const day = value && /^\d{4}-\d{2}-\d{2}$/.test(value) ? dayIndexOfDate(value) : Number.NaN;
  if (Number.isNaN(day)) throw new RebuildUsageError(`rebuild needs ${flag} YYYY-MM-DD`);
  return day;
}

export async function rebuildCommand(opts: {
  redis: RedisClient;
  keys: RedisKeys;
  config: HubConfig;
  from: string | undefined;
  to: string | undefined;
  print: (line: string) => void;
  /** The clock (expiries of what the replay writes count from it); tests pass the test clock. @default Date.now */
  now?: () => number;
}): Promise<RebuildResult> {
  const now = opts.now ?? Date.now;
  const fromDay = dayOf(opts.from, '--from');
  const toDay = opts.to ? dayOf(opts.to, '--to') : fromDay;
  if (toDay < fromDay) throw new RebuildUsageError('rebuild: --to is before --from');
  // with an object store, a day not in the folder (or the folder lost) is read from the bucket
  const store = opts.config.archive?.store ? createObjectStore(opts.config.archive.store) : null;
  const archive = opts.config.archive
    ? createArchiveReader({ dir: opts.config.archive.dir, store, localKeepDays: opts.config.archive.localKeepDays, now })
    : null;
  if (!archive) opts.print('rebuild: ARCHIVE=off: only the days the event stream still holds can be rebuilt');
  const result = await rebuildDays(
    {
      redis: withReplayScripts(opts.redis),
      keys: opts.keys,
      source: archiveThenStream(archive, opts.redis, opts.keys, now),
      log: createLogger('silent'),
      now,
    },
    { fromDay, toDay },
  ).finally(() => store?.close());
  opts.print(
    `rebuilt ${result.days.length} day(s) from ${result.events} events in ${(result.ms / 1000).toFixed(1)} s (${result.eventsPerSec} events/s); ` +
      `${result.refused} refused, ${result.seededCases} cases read from their live record`,
  );
  if (result.skipped.length > 0) opts.print(`left as they were (no archived event): ${result.skipped.join(', ')}`);
  return result;
}
