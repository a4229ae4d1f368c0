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
  /**
   * The record's JSON text exactly as archived, when the source has it: a consumer that hands the
   * record on as JSON (to the replay Lua) takes this rather than serialising `record` again. A source
   * that has it may parse `record` only when it is first read.
   */
  json?: string;
}

/**
 * Which entries to read: the event days (day indexes, common/time.ts `dayIndexOf`, inclusive) and,
 * optionally, a window of event time. With `untilMs` only entries with `record.ms <= untilMs` are
 * yielded, with `afterMs` only those with `record.ms > afterMs`; every entry of the days inside the
 * window is yielded, whichever segment it arrived in (a late event in a later segment too). The
 * bound lets the archive skip sealed segments unopened (their manifest says the event times they
 * hold): the first frame of a replayed day reads its first hour, not the whole day.
 */
export interface EntryRange {
  fromDay: number;
  toDay: number;
  /** Only entries whose event time is after this (exclusive, epoch ms). */
  afterMs?: number;
  /** Only entries whose event time is at or before this (inclusive, epoch ms). */
  untilMs?: number;
  /**
   * Only entries not in a sealed segment: the hour being written, what a stopped writer left, the
   * stream past the archive. Time travel's checkpoints (time-travel-checkpoints.ts) hold a day's
   * sealed segments; this finds a late event they do not.
   */
  unsealedOnly?: boolean;
}

/** Whether an event time is inside the range's window (the days are checked apart). */
export const inTimeWindow = (range: EntryRange, ms: number): boolean =>
  (range.untilMs === undefined || ms <= range.untilMs) && (range.afterMs === undefined || ms > range.afterMs);

/** What reads archived events: entries in stream order (ascending `sid`) whose event day (and time, when bounded) is in the range. */
export interface ArchiveSource {
  entries(range: EntryRange): AsyncIterable<ArchivedEntry>;
}
