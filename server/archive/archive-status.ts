/**
 * How far the archive is behind the event stream, read from Redis by any hub (whether or not it
 * writes the archive): /healthz's `archive` and the metric `yg_archive_lag_seconds`.
 */
import { Gauge, type Registry } from 'prom-client';
import type { RedisClient } from '../redis/connect.ts';
import type { RedisKeys } from '../redis/keys.ts';
import { msOfSid } from './archive-layout.ts';

export interface ArchiveStatus {
  /** The stream id of the last archived entry. */
  cursor: string;
  /** Age of the oldest entry not archived yet (0: the archive holds the whole stream). */
  lagSeconds: number;
  /** The hub writing now (`host:pid:…`), or null: none holds the lease (all stopped, or ARCHIVE=off everywhere). */
  writer: string | null;
}

/** Null when no hub ever wrote the archive here (no cursor: ARCHIVE=off). */
export async function readArchiveStatus(redis: RedisClient, keys: RedisKeys): Promise<ArchiveStatus | null> {
  const [cursor, writer, time] = await Promise.all([redis.get(keys.archiveCursor), redis.get(keys.archiveLease), redis.time()]);
  if (cursor === null) return null;
  const next = (await redis.xrange(keys.stream, `(${cursor}`, '+', 'COUNT', 1)) as [string, string[]][];
  const nowMs = Number(time[0]) * 1000 + Math.floor(Number(time[1]) / 1000);
  const lagSeconds = next.length === 0 ? 0 : Math.max(0, (nowMs - msOfSid(next[0]![0])) / 1000);
  return { cursor, lagSeconds: Math.round(lagSeconds * 10) / 10, writer };
}

/** `yg_archive_lag_seconds` (read at each scrape) and this process's archive writes. */
export function registerArchiveMetrics(registry: Registry, read: () => Promise<ArchiveStatus | null>, written: () => { entries: number; bytes: number }) {
  const registers = [registry];
  new Gauge({
    name: 'yg_archive_lag_seconds',
    help: 'Age of the oldest event stream entry the archive does not hold yet (0: caught up; absent while the archive is off)',
    registers,
    async collect() {
      const status = await read().catch(() => null);
      if (status) this.set(status.lagSeconds);
      else this.reset();
    },
  });
  new Gauge({
    name: 'yg_archive_written_events',
    help: 'Events this process appended to the archive since start',
    registers,
    collect() {
      this.set(written().entries);
    },
  });
  new Gauge({
    name: 'yg_archive_written_bytes',
    help: 'Compressed bytes this process appended to the archive since start',
    registers,
    collect() {
      this.set(written().bytes);
    },
  });
}
