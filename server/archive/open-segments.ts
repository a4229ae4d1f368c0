/**
 * The segments not sealed yet (docs/archive.md "Reading"), found without listing every date folder
 * of the archive on every read (time travel reads on each replayed hour; an archive keeps 400 date
 * folders). Segments are written in stream order, so a date folder older than the newest one never
 * gets a new segment: once all its segments are sealed it never changes again (until retention
 * deletes it), and this reader does not list it again. So after its first read, a read lists the
 * archive's top folder (one readdir of names) and only the date folders that may still hold an open
 * segment: in practice today's (and yesterday's just after midnight).
 *
 * Not bounded by the day asked for: folders are named by arrival on Redis's clock and days by event
 * time on the hub's, and an event of day D may sit in any folder from about D-1 on only while the two
 * clocks agree (a test hub's clock a year ahead does not).
 */
import fs from 'node:fs';
import path from 'node:path';
import { CHECKSUM_SUFFIX, parseSegmentName, SEGMENT_SUFFIX, type SegmentName } from './archive-layout.ts';

const DATE_DIR = /^\d{4}-\d{2}-\d{2}$/;

export function createOpenSegmentFinder(dir: string): () => Promise<SegmentName[]> {
  /** Date folders whose segments are all sealed and that are not the newest: they never change again. */
  const settled = new Set<string>();
  return async function openSegments(): Promise<SegmentName[]> {
    const names = await fs.promises.readdir(dir).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return [] as string[];
      throw err;
    });
    const dates = names.filter((n) => DATE_DIR.test(n)).sort();
    const newest = dates[dates.length - 1];
    const open: SegmentName[] = [];
    for (const date of dates) {
      if (settled.has(date)) continue;
      const files = new Set(
        await fs.promises.readdir(path.join(dir, date)).catch((err: NodeJS.ErrnoException) => {
          if (err.code === 'ENOENT') return [] as string[]; // removed by retention meanwhile
          throw err;
        }),
      );
      let unsealed = 0;
      for (const f of files) {
        if (!f.endsWith(SEGMENT_SUFFIX)) continue;
        const hour = f.slice(0, -SEGMENT_SUFFIX.length);
        if (files.has(`${hour}${CHECKSUM_SUFFIX}`)) continue;
        const segment = parseSegmentName(`${date}/${hour}`);
        if (!segment) continue;
        open.push(segment);
        unsealed++;
      }
      if (unsealed === 0 && date !== newest) settled.add(date);
    }
    return open;
  };
}
