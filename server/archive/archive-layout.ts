/**
 * Where the archive keeps what (docs/archive.md): one folder per Asia/Shanghai arrival date, one
 * segment per arrival hour, named from the stream id's milliseconds (the Redis clock when the
 * event was appended), so the names sort in stream order and a stream id says its segment.
 *
 *   <dir>/YYYY-MM-DD/HH.ndjson.gz          the entries, one JSON line each, as gzip members
 *   <dir>/YYYY-MM-DD/HH.ndjson.gz.sha256   written when the hour is over: the segment is sealed
 *   <dir>/YYYY-MM-DD/HH.days.json          the event days the sealed segment holds (its manifest)
 *   <dir>/days/YYYY-MM-DD.list             the sealed segments holding events of that event day
 */
import path from 'node:path';
import { dateOfDayIndex, SHANGHAI_OFFSET_MS } from '../../common/time.ts';

export const SEGMENT_SUFFIX = '.ndjson.gz';
export const CHECKSUM_SUFFIX = '.ndjson.gz.sha256';
export const MANIFEST_SUFFIX = '.days.json';
export const DAY_INDEX_DIR = 'days';
const HOUR_MS = 3_600_000;

/** A segment: its arrival date and hour (Asia/Shanghai) and the first and last ms it covers. */
export interface SegmentName {
  date: string;
  hour: string;
  /** `YYYY-MM-DD/HH`: sorts in stream order. */
  name: string;
  startMs: number;
  endMs: number;
}

export function msOfSid(sid: string): number {
  const dash = sid.indexOf('-');
  return Number(dash < 0 ? sid : sid.slice(0, dash));
}

/** Whether stream id `a` comes before `b` (ids are `<ms>-<seq>`, both parts whole numbers). */
export function sidBefore(a: string, b: string): boolean {
  const am = msOfSid(a);
  const bm = msOfSid(b);
  if (am !== bm) return am < bm;
  return Number(a.slice(a.indexOf('-') + 1)) < Number(b.slice(b.indexOf('-') + 1));
}

export function segmentOfMs(ms: number): SegmentName {
  const startMs = Math.floor((ms + SHANGHAI_OFFSET_MS) / HOUR_MS) * HOUR_MS - SHANGHAI_OFFSET_MS;
  const shifted = new Date(startMs + SHANGHAI_OFFSET_MS).toISOString();
  const date = shifted.slice(0, 10);
  const hour = shifted.slice(11, 13);
  return { date, hour, name: `${date}/${hour}`, startMs, endMs: startMs + HOUR_MS - 1 };
}

/** `YYYY-MM-DD/HH` back to its segment; null for anything else. */
export function parseSegmentName(name: string): SegmentName | null {
  const m = /^(\d{4}-\d{2}-\d{2})\/([01]\d|2[0-3])$/.exec(name);
  if (!m) return null;
  const startMs = Date.parse(`${m[1]}T${m[2]}:00:00+08:00`);
  if (Number.isNaN(startMs)) return null;
  return { date: m[1]!, hour: m[2]!, name, startMs, endMs: startMs + HOUR_MS - 1 };
}

export const segmentPath = (dir: string, s: SegmentName) => path.join(dir, s.date, `${s.hour}${SEGMENT_SUFFIX}`);
export const checksumPath = (dir: string, s: SegmentName) => path.join(dir, s.date, `${s.hour}${CHECKSUM_SUFFIX}`);
export const manifestPath = (dir: string, s: SegmentName) => path.join(dir, s.date, `${s.hour}${MANIFEST_SUFFIX}`);
export const dayIndexPath = (dir: string, eventDay: number) => path.join(dir, DAY_INDEX_DIR, `${dateOfDayIndex(eventDay)}.list`);

/**
 * One archived line: the stream id and the record exactly as the stream holds it (no re-serialising):
 * `archiveLineHead(sid)`, the record's JSON, `ARCHIVE_LINE_TAIL`. The writer puts the record's bytes
 * between the two as Redis sent them; `archiveLine` is the same line as text.
 */
export const archiveLineHead = (sid: string) => `{"sid":"${sid}","r":`;
export const ARCHIVE_LINE_TAIL = '}\n';
export const archiveLine = (sid: string, recordJson: string) => `${archiveLineHead(sid)}${recordJson}${ARCHIVE_LINE_TAIL}`;

/** What a sealed segment's manifest says. */
export interface SegmentManifest {
  /** Event day index → entries of that day in the segment. */
  days: Record<string, number>;
  /**
   * Event day index → the smallest and largest event time (epoch ms) of that day's entries in the
   * segment: a bounded read (`EntryRange.untilMs`/`afterMs`) skips the segment unopened when no entry
   * can be inside its window. Absent in manifests written before it existed: unknown, read.
   */
  times?: Record<string, [number, number]>;
  count: number;
  firstSid: string | null;
  lastSid: string | null;
  /** The sha256 of the segment file, as in its checksum file. */
  sha256: string;
  bytes: number;
}
