/**
 * One event as the archive keeps it: the event stream entry's id and its record (the enriched event
 * the aggregation script applies). The archive writer produces these and everything that reads the
 * archive (rebuild, time travel, export) consumes them, so this is the one shape between them.
 */
import type { StreamRecord } from '../ingest/enrich-event.ts';

export interface ArchivedEntry {
  /** The event stream entry's id (`<ms>-<seq>`): the archive's order and its exactly-once key. */
  sid: string;
  /** The stream entry's `r`, parsed: the event under `e` with its enrichment (day, hour, scopes …). */
  record: StreamRecord;
}

/** What reads archived events: entries in stream order (ascending `sid`) whose event day is in the range. */
export interface ArchiveSource {
  /** Days are day indexes (common/time.ts `dayIndexOf`), inclusive. */
  entries(range: { fromDay: number; toDay: number }): AsyncIterable<ArchivedEntry>;
}
