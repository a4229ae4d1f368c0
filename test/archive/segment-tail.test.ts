/**
 * segmentTail (server/archive/segment-file.ts) reads only a segment's last gzip member: it must
 * answer what checking the whole file answers (wholeMembersLength, lastSidOf), for whole files
 * and for files whose last member a crash cut short.
 */
import zlib from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lastSidOf, segmentTail, wholeMembersLength } from '../../server/archive/segment-file.ts';

const line = (n: number) => `{"sid":"${1_800_000_000_000 + n}-${n % 7}","r":{"t":"portal.hit","e":{"visitor":"v${n}","column":"动态信息"}}}\n`;
/** Members of consecutive lines: sizes[i] lines in member i. */
function segment(sizes: number[], level: number): Buffer {
  let n = 0;
  return Buffer.concat(sizes.map((size) => zlib.gzipSync(Array.from({ length: size }, () => line(n++)).join(''), { level })));
}

async function expectSameAsWholeCheck(buf: Buffer): Promise<void> {
  const whole = wholeMembersLength(buf);
  expect(await segmentTail(buf)).toEqual({ whole, lastSid: whole > 0 ? lastSidOf(buf.subarray(0, whole)) : null });
}

describe('segmentTail', () => {
  it('answers what the whole check answers, for whole segments and segments cut in their last member', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 12 }),
        fc.constantFrom(1, 6),
        // how much of the last member is kept (1: all of it), or garbage a crash left after it
        fc.oneof(
          fc.double({ min: 0, max: 1, noNaN: true }).map((kept) => ({ kept })),
          fc.uint8Array({ minLength: 1, maxLength: 20 }).map((junk) => ({ junk })),
        ),
        async (sizes, level, tail) => {
          const whole = segment(sizes, level);
          let buf = whole;
          if ('kept' in tail) {
            const lastStart = sizes.length > 1 ? segment(sizes.slice(0, -1), level).length : 0;
            buf = whole.subarray(0, lastStart + Math.floor((whole.length - lastStart) * tail.kept));
          } else buf = Buffer.concat([whole, Buffer.from(tail.junk)]);
          await expectSameAsWholeCheck(buf);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('answers nothing for an empty file or one without a whole member', async () => {
    expect(await segmentTail(Buffer.alloc(0))).toEqual({ whole: 0, lastSid: null });
    const cut = segment([5], 1);
    expect(await segmentTail(cut.subarray(0, cut.length - 3))).toEqual({ whole: 0, lastSid: null });
  });

  it('decompresses the last member only', async () => {
    // a member damaged in the middle (not what a crash does: it cuts the tail) is not looked at
    // here; sealing the hour decompresses every member and fails on it
    const [a, b, c] = [segment([3], 1), segment([4], 1), segment([5], 1)];
    const damaged = Buffer.from(b);
    damaged[damaged.length - 5]! ^= 0xff; // its CRC no longer matches
    const buf = Buffer.concat([a, damaged, c]);
    expect(wholeMembersLength(buf)).toBeLessThan(buf.length);
    expect(await segmentTail(buf)).toEqual({ whole: buf.length, lastSid: lastSidOf(c) });
  });
});
