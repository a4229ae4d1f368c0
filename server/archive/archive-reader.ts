/**
 * The archive read back (docs/archive.md): the entries whose event day is in a range, in stream
 * order. The sealed segments holding a day are found through the day index (an event may arrive
 * days after its `at`), each one's checksum checked before any of its lines is used; the segments
 * not sealed yet (the current hour, or what a stopped writer left) are read too, as far as they
 * are whole. Used by rebuild and time travel (through `ArchiveSource`) and by the export.
 */
import path from 'node:path';
import { dateOfDayIndex, dayIndexOf } from '../../common/time.ts';
import { Unavailable } from '../domain-errors.ts';
import type { StreamRecord } from '../ingest/enrich-event.ts';
import { inTimeWindow, type ArchivedEntry, type ArchiveSource, type EntryRange } from './archived-entry.ts';
import { dayIndexPath, manifestPath, parseSegmentName, checksumPath, segmentPath, type SegmentManifest, type SegmentName } from './archive-layout.ts';
import type { ObjectStore } from './object-store.ts';
import { createOpenSegmentFinder } from './open-segments.ts';
import { readIfExists, segmentLines, sha256Of } from './segment-file.ts';

/** A sealed segment whose bytes are not those it was sealed with, or a line that does not parse. */
export class ArchiveDamaged extends Unavailable {
  override name = 'ArchiveDamaged';
  constructor(
    /** The file, relative to the archive folder. */
    readonly file: string,
    problem: string,
  ) {
    super(`the archive file ${file} is damaged (${problem}); restore it from a backup (docs/archive.md)`, 3600);
  }
}

export interface ArchiveReader extends ArchiveSource {
  /** The segments `entries` would read for the range, in stream order, and whether each is sealed. */
  segmentsFor(range: { fromDay: number; toDay: number }): Promise<{ segment: SegmentName; sealed: boolean }[]>;
}

/** The archive's object store did not answer a read the folder could not make alone. */
export class ArchiveStoreUnavailable extends Unavailable {
  override name = 'ArchiveStoreUnavailable';
  constructor(where: string, key: string, cause: unknown) {
    super(`the archive's object store ${where} did not answer for ${key} (${(cause as Error).message || (cause as Error).name}); retry later`, 60);
  }
}

export interface ArchiveReaderOptions {
  dir: string;
  /**
   * The object store the sealed segments are copied to (archive-upload.ts): a day's list is the
   * folder's and the bucket's together, and a file not in the folder (past ARCHIVE_LOCAL_DAYS, or
   * the folder lost) is read from the bucket, checked by the same checksum.
   */
  store?: ObjectStore | null;
  /**
   * ARCHIVE_LOCAL_DAYS and the clock: a day within them, in a folder older than the day (its
   * archive.json), is wholly in the folder (every segment of it arrived on or after it, and none such
   * has left), so the bucket is not asked: time travel reads stay local, and work with the store down.
   */
  localKeepDays?: number;
  now?: () => number;
}

export function createArchiveReader(opts: ArchiveReaderOptions): ArchiveReader {
  const { dir } = opts;
  const store = opts.store ?? null;
  const objectKey = (file: string) => path.relative(dir, file).split(path.sep).join('/');
  const fromStore = async (file: string): Promise<Buffer | null> => {
    try {
      return await store!.get(objectKey(file));
    } catch (err) {
      throw new ArchiveStoreUnavailable(store!.where, objectKey(file), err);
    }
  };
  /** The file from the folder, else from the bucket; null when neither has it. */
  const read = async (file: string): Promise<Buffer | null> => (await readIfExists(file)) ?? (store ? await fromStore(file) : null);
  /** When the folder was made (archive.json's `created`), once known. */
  let folderCreated: number | null = null;
  async function folderOlderThan(ms: number): Promise<boolean> {
    if (folderCreated === null) {
      const raw = await readIfExists(path.join(dir, 'archive.json'));
      const created = raw ? Date.parse(String((JSON.parse(raw.toString('utf8')) as { created?: unknown }).created)) : Number.NaN;
      if (Number.isNaN(created)) return false;
      folderCreated = created;
    }
    return folderCreated <= ms;
  }
  /** Whether the folder alone holds every sealed segment of the day. */
  async function wholeInFolder(day: number): Promise<boolean> {
    if (opts.localKeepDays === undefined || !opts.now) return false;
    if (day < dayIndexOf(opts.now()) - opts.localKeepDays) return false;
    return folderOlderThan(midnightOfDay(day));
  }

  // the open segments from the folders that may hold them, not every date folder (open-segments.ts)
  const openSegments = createOpenSegmentFinder(dir);

  async function segmentsFor(range: { fromDay: number; toDay: number }) {
    const chosen = new Map<string, { segment: SegmentName; sealed: boolean }>();
    // sealed segments: from the day index, one small file per event day
    for (let day = range.fromDay; day <= range.toDay; day++) {
      const local = await readIfExists(dayIndexPath(dir, day));
      // a day the folder wholly holds: its list there, or none (no sealed segment of it), is the whole list
      const remote = store && !(await wholeInFolder(day)) ? await fromStore(dayIndexPath(dir, day)) : null;
      if (!local && !remote) continue;
      for (const line of `${local?.toString('utf8') ?? ''}\n${remote?.toString('utf8') ?? ''}`.split('\n')) {
        const segment = parseSegmentName(line.trim());
        if (segment) chosen.set(segment.name, { segment, sealed: true });
      }
    }
    // not yet sealed: any segment without its checksum file (read whole, filtered by day)
    for (const segment of await openSegments()) if (!chosen.has(segment.name)) chosen.set(segment.name, { segment, sealed: false });
    return [...chosen.values()].sort((a, b) => (a.segment.name < b.segment.name ? -1 : a.segment.name > b.segment.name ? 1 : 0));
  }

  /**
   * Whether a sealed segment may hold an entry of the range: false only when its manifest says the
   * event times of every wanted day it holds are outside the range's window. A manifest without
   * times (written before they were recorded), or none readable, says nothing: the segment is read.
   */
  async function mayHold(segment: SegmentName, range: EntryRange): Promise<boolean> {
    if (range.untilMs === undefined && range.afterMs === undefined) return true;
    const raw = await read(manifestPath(dir, segment));
    if (!raw) return true;
    let manifest: Partial<SegmentManifest>;
    try {
      manifest = JSON.parse(raw.toString('utf8')) as Partial<SegmentManifest>;
    } catch {
      return true;
    }
    const { days, times } = manifest;
    if (!days || !times || typeof days !== 'object' || typeof times !== 'object') return true;
    // a manifest not of the seal the checksum file records (a seal done again) says nothing either
    const checksum = await read(checksumPath(dir, segment));
    if (!checksum || checksum.toString('utf8').trim().split(/\s+/)[0] !== manifest.sha256) return true;
    let wanted = false;
    for (const day of Object.keys(days)) {
      const d = Number(day);
      if (d < range.fromDay || d > range.toDay) continue;
      wanted = true;
      const span = Object.hasOwn(times, day) ? times[day] : undefined;
      if (!Array.isArray(span) || typeof span[0] !== 'number' || typeof span[1] !== 'number') return true;
      const [min, max] = span;
      if (!(range.untilMs !== undefined && min > range.untilMs) && !(range.afterMs !== undefined && max <= range.afterMs)) return true;
    }
    // a day list naming a segment whose manifest lacks the day: the manifest does not say, read it
    return !wanted;
  }

  async function* entries(range: EntryRange): AsyncGenerator<ArchivedEntry> {
    for (const { segment, sealed } of await segmentsFor(range)) {
      // a sealed segment whose manifest rules the window out is not opened (nor its checksum checked)
      if (sealed && (range.unsealedOnly || !(await mayHold(segment, range)))) continue;
      const file = segmentPath(dir, segment);
      const relative = path.relative(dir, file);
      // the checksum first: a segment sealed after it was listed is read as sealed
      const checksum = sealed ? await read(checksumPath(dir, segment)) : await readIfExists(checksumPath(dir, segment));
      const buf = sealed ? await read(file) : await readIfExists(file);
      if (!buf) {
        if (checksum) throw new ArchiveDamaged(relative, 'missing, though its checksum file is there');
        continue; // removed by retention meanwhile
      }
      if (checksum) {
        const expected = checksum.toString('utf8').trim().split(/\s+/)[0];
        if (sha256Of(buf) !== expected) throw new ArchiveDamaged(relative, 'its sha256 differs from the one it was sealed with');
      }
      let lineNo = 0;
      const lines = segmentLines(buf, !checksum);
      try {
        for (;;) {
          let next: IteratorResult<string>;
          try {
            next = await lines.next();
          } catch (err) {
            throw new ArchiveDamaged(relative, `not readable as gzip: ${(err as Error).message}`);
          }
          if (next.done) break;
          lineNo++;
          const entry = entryOfLine(next.value, relative, lineNo);
          if (entry.day >= range.fromDay && entry.day <= range.toDay && inTimeWindow(range, entry.ms)) yield entry.entry;
        }
      } finally {
        // a reader that stops early (an export cut off) closes the segment's decompression
        await lines.return(undefined);
      }
    }
  }

  return { entries, segmentsFor };
}

/** The writer's line (archive-layout.ts `archiveLine`) with the record's head in enrichEvent's key order. */
const FAST_LINE = /^\{"sid":"(\d+-\d+)","r":(\{"t":"[^"\\]*","ms":(-?\d+),"day":(\d+),)/;

/**
 * One line as an entry. The writer's own lines are read without parsing the record: its event day
 * and time come from its head and its JSON text is kept as it is (what time travel hands the Lua);
 * `record` is parsed when first read. Any other line is parsed whole.
 */
function entryOfLine(line: string, relative: string, lineNo: number): { day: number; ms: number; entry: ArchivedEntry } {
  const m = FAST_LINE.exec(line);
  if (m && line.endsWith('}}')) {
    const sid = m[1]!;
    const json = line.slice(m[0].length - m[2]!.length, -1);
    let parsed: StreamRecord | undefined;
    const entry: ArchivedEntry = {
      sid,
      json,
      get record(): StreamRecord {
        if (parsed === undefined) {
          try {
            parsed = JSON.parse(json) as StreamRecord;
          } catch {
            throw new ArchiveDamaged(relative, `line ${lineNo} is not JSON`);
          }
        }
        return parsed;
      },
    };
    return { day: Number(m[4]), ms: Number(m[3]), entry };
  }
  let parsedLine: { sid?: unknown; r?: unknown };
  try {
    parsedLine = JSON.parse(line) as typeof parsedLine;
  } catch {
    throw new ArchiveDamaged(relative, `line ${lineNo} is not JSON`);
  }
  if (typeof parsedLine.sid !== 'string' || typeof parsedLine.r !== 'object' || parsedLine.r === null)
    throw new ArchiveDamaged(relative, `line ${lineNo} is not an archived entry`);
  const record = parsedLine.r as StreamRecord;
  return { day: record.day, ms: record.ms, entry: { sid: parsedLine.sid, record } };
}

/** Epoch ms of 00:00 (Asia/Shanghai) of a day index. */
const midnightOfDay = (day: number): number => Date.parse(`${dateOfDayIndex(day)}T00:00:00+08:00`);
