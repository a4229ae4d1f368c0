/**
 * An event archive folder of a bench run's own (docs/archive.md). A hub archives by default
 * (ARCHIVE=on, in DATA_DIR/archive) and refuses a folder that holds the archive of another
 * REDIS_PREFIX; a bench takes a new prefix each run, so with the default folder its hub would run
 * without the archive after the first run, saying so in its log ("archive: not started"). In a
 * folder of the run's own the hub archives as in production. The folders go when the process exits.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const made: string[] = [];
process.on('exit', () => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});

/** A new empty folder for ARCHIVE_DIR, shared by the hubs of one deployment (one REDIS_PREFIX). */
export function benchArchiveDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yg-bench-archive-'));
  made.push(dir);
  return dir;
}
