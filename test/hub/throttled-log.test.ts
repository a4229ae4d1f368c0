import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { throttledWarn } from '../../server/http/throttled-log.ts';

describe('a throttled warning', () => {
  it('is logged once, then once per interval with the repeats it held back, per key', () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(JSON.parse(String(chunk)));
        done();
      },
    });
    let t = 0;
    const warn = throttledWarn(pino({ level: 'warn' }, sink), 10_000, () => t);

    for (let i = 0; i < 100; i++) warn('503 /api/v1/events', { i }, 'request failed');
    warn('503 /api/v1/session', {}, 'request failed');
    t = 10_000;
    warn('503 /api/v1/events', { i: 100 }, 'request failed');

    expect(lines.map((l) => [l.i ?? null, l.repeatsSinceLast ?? 0])).toEqual([
      [0, 0],
      [null, 0],
      [100, 99],
    ]);
  });
});
