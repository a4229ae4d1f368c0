/**
 * One segment file: a concatenation of gzip members, each holding whole NDJSON lines. Reading it
 * streams (a month of export holds one segment's compressed bytes at a time); the writer's repair
 * finds the last whole member after a crash cut one short.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import zlib from 'node:zlib';

export const sha256Of = (buf: Buffer) => crypto.createHash('sha256').update(buf).digest('hex');

/** The file's bytes, or null when it does not exist. */
export async function readIfExists(file: string): Promise<Buffer | null> {
  try {
    return await fs.promises.readFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/**
 * The length of the longest prefix made of whole gzip members. A crash (of the machine: a process
 * killed during a write to a local file leaves the whole write) can leave the last member cut
 * short; everything before it is intact, each member having its own CRC.
 */
export function wholeMembersLength(buf: Buffer): number {
  if (buf.length === 0 || gunzips(buf)) return buf.length;
  // members start with 1f 8b 08; try the latest start first: usually only the last member is cut
  for (let pos = buf.lastIndexOf(GZIP_MAGIC, buf.length - 1); pos > 0; pos = buf.lastIndexOf(GZIP_MAGIC, pos - 1)) {
    if (gunzips(buf.subarray(0, pos))) return pos;
  }
  return 0;
}
const GZIP_MAGIC = Buffer.from([0x1f, 0x8b, 0x08]);

function gunzips(buf: Buffer): boolean {
  try {
    zlib.gunzipSync(buf);
    return true;
  } catch {
    return false;
  }
}

/** The stream id of the last line of whole members (null: none), read from the end of the text. */
export function lastSidOf(buf: Buffer): string | null {
  return lastSidOfText(zlib.gunzipSync(buf).toString('utf8'));
}

function lastSidOfText(text: string): string | null {
  const end = text.endsWith('\n') ? text.length - 1 : text.length;
  const start = text.lastIndexOf('\n', end - 1) + 1;
  const m = /^\{"sid":"(\d+-\d+)"/.exec(text.slice(start, end));
  return m ? m[1]! : null;
}

export interface SegmentTail {
  /** The length of the whole members (wholeMembersLength). */
  whole: number;
  /** The stream id of their last line (lastSidOf), null when there is none. */
  lastSid: string | null;
}

/**
 * What the writer needs of a segment it opens: how much of it is whole, and its last line's id.
 * The writer appends one member at a time and syncs it, so only the last member can be cut (by a
 * crash during a write): when the last member, found from the end, decompresses whole, so is the
 * file, and its last line is the segment's. Only that member is decompressed, off the event loop.
 * Decompressing the whole file, twice and synchronously, held a restarted hub's event loop for
 * seconds when the hour was large (a million events decompress to 370 MB); after a crash, when the
 * last member is cut, the file is checked as before.
 */
export async function segmentTail(buf: Buffer): Promise<SegmentTail> {
  if (buf.length === 0) return { whole: 0, lastSid: null };
  const last = buf.lastIndexOf(GZIP_MAGIC);
  if (last >= 0) {
    const text = await gunzipAsync(buf.subarray(last)).then(
      (b) => b.toString('utf8'),
      () => null,
    );
    const lastSid = text === null ? null : lastSidOfText(text);
    if (lastSid !== null) return { whole: buf.length, lastSid };
  }
  const whole = wholeMembersLength(buf);
  return { whole, lastSid: whole > 0 ? lastSidOf(buf.subarray(0, whole)) : null };
}
const gunzipAsync = promisify(zlib.gunzip);

/**
 * The lines of a segment, in order, decompressed as they are read. `tolerateCutTail`: a segment
 * still being written may end in a member not yet whole; its lines so far are yielded and the
 * reading stops there. Otherwise a damaged member is an error.
 */
export async function* segmentLines(buf: Buffer, tolerateCutTail: boolean): AsyncGenerator<string> {
  const gunzip = Readable.from([buf]).pipe(zlib.createGunzip());
  gunzip.setEncoding('utf8');
  let rest = '';
  try {
    for await (const chunk of gunzip as AsyncIterable<string>) {
      rest += chunk;
      let nl = rest.indexOf('\n');
      let from = 0;
      while (nl >= 0) {
        yield rest.slice(from, nl);
        from = nl + 1;
        nl = rest.indexOf('\n', from);
      }
      rest = rest.slice(from);
    }
  } catch (err) {
    if (!tolerateCutTail) throw err;
  } finally {
    gunzip.destroy();
  }
}
