/**
 * Finding the archive's segments not sealed yet (server/archive/open-segments.ts) without listing
 * every date folder on every read: a folder whose segments are all sealed and that is not the
 * newest is listed once only.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dateOfDayIndex, dayIndexOfDate } from '../../common/time.ts';
import { CHECKSUM_SUFFIX, SEGMENT_SUFFIX } from '../../server/archive/archive-layout.ts';
import { createOpenSegmentFinder } from '../../server/archive/open-segments.ts';
import { dayFromToday } from '../helpers/test-clock.ts';
import { removeTempArchiveDirs, tempArchiveDir } from './archive-fixtures.ts';

afterEach(() => removeTempArchiveDirs());

const TODAY = dayIndexOfDate(dayFromToday(0));

function segment(dir: string, day: number, hour: string, sealed: boolean): string {
  const folder = path.join(dir, dateOfDayIndex(day));
  fs.mkdirSync(folder, { recursive: true });
  fs.writeFileSync(path.join(folder, `${hour}${SEGMENT_SUFFIX}`), '');
  if (sealed) fs.writeFileSync(path.join(folder, `${hour}${CHECKSUM_SUFFIX}`), 'x');
  return `${dateOfDayIndex(day)}/${hour}`;
}

describe('the open segments of an archive', () => {
  it('looks only at the folders that may hold them, and lists a settled folder once', async () => {
    const dir = tempArchiveDir();
    segment(dir, TODAY - 30, '10', false); // a month old, left open by a writer that stopped
    segment(dir, TODAY - 3, '09', true);
    segment(dir, TODAY - 2, '09', true);
    segment(dir, TODAY - 2, '23', false); // a stopped writer's, not sealed yet
    segment(dir, TODAY, '08', true);
    const open = segment(dir, TODAY, '09', false); // the hour being written
    const find = createOpenSegmentFinder(dir);

    expect((await find()).map((s) => s.name).sort()).toEqual([`${dateOfDayIndex(TODAY - 30)}/10`, `${dateOfDayIndex(TODAY - 2)}/23`, open]);

    // three days back is settled (all sealed, not the newest): a segment appearing there is not looked for again
    segment(dir, TODAY - 3, '10', false);
    expect((await find()).map((s) => s.name)).not.toContain(`${dateOfDayIndex(TODAY - 3)}/10`);
    // the newest folder is listed every time: its next hour is found
    const next = segment(dir, TODAY, '10', false);
    expect((await find()).map((s) => s.name).sort()).toEqual([`${dateOfDayIndex(TODAY - 30)}/10`, `${dateOfDayIndex(TODAY - 2)}/23`, open, next]);
    // a fresh reader lists everything once more
    expect((await createOpenSegmentFinder(dir)()).map((s) => s.name)).toContain(`${dateOfDayIndex(TODAY - 3)}/10`);
  });
});
