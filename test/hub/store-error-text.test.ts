/**
 * Error answers never show Redis's own text: a script error names the script's SHA1 and line
 * (`… script: 5f3a…, on @user_script:42.`) and the hub's key names. The answer gives a fixed
 * text for the kind of failure; the detail goes to the log.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReplyError } from 'ioredis';
import { dayIndexOf } from '../../common/time.ts';
import { StoreUnavailable } from '../../server/domain-errors.ts';
import { StoreBusyError } from '../../server/ingest/append-gate.ts';
import { RedisTimeoutError, RedisUnreachableError, storeProblem } from '../../server/redis/store-failure.ts';
import type { Hub } from '../../server/hub.ts';
import { ev } from '../helpers/events.ts';
import { at, fixedClock } from '../helpers/test-clock.ts';
import { postEvents, startTestHub, testPrefix } from '../helpers/test-hub.ts';

const LEAKS = /[0-9a-f]{40}|user_script|script:|WRONGTYPE|seen:|@/;

describe('the text of a 503', () => {
  it('maps Redis errors to fixed texts by their class and code, and keeps the detail for the log', () => {
    const scriptError = new ReplyError(
      "OOM command not allowed when used memory > 'maxmemory'. script: 6dee20530b98af29aede2283e1e46670101fd16c, on @user_script:57.",
    );
    const err = new StoreUnavailable(scriptError);
    expect(err.message).toBe('the event store is unavailable (Redis is full (maxmemory reached)); nothing of this request was taken; retry later');
    expect(err.detail).toContain('@user_script:57');
    expect(storeProblem(new ReplyError('MISCONF Errors writing to the AOF file: No space left on device'))).toBe('Redis cannot write to its disk');
    expect(storeProblem(new RedisTimeoutError(750))).toBe('Redis did not answer in time');
    expect(storeProblem(new RedisUnreachableError(false, new Error("Stream isn't writeable and enableOfflineQueue options is false")))).toBe(
      'Redis is unreachable',
    );
    expect(storeProblem(new ReplyError('ERR user_script:3: Script attempted to access nonexistent global variable'))).toBe('Redis failed');
    expect(storeProblem(new StoreBusyError(64))).toBe('64 batches are already waiting for Redis');
    // the text alone decides nothing: a plain error saying "timed out" is no store failure
    expect(storeProblem(new Error('Command timed out'))).toBeNull();
  });

  describe('from a hub whose append script fails', () => {
    let hub: Hub;
    beforeAll(async () => {
      hub = await startTestHub(testPrefix(), { now: fixedClock('10:00') });
    });
    afterAll(async () => {
      await hub.stop();
    });

    it('answers 503 without the script hash, line or key, and takes the batch once the cause is gone', async () => {
      const event = ev.hit(at('09:00'), 'v1');
      // the de-duplication set of the event's day, made a string: the script's first write fails
      const seenKey = hub.keys.seen(dayIndexOf(Date.parse(event.at)));
      await hub.redis.set(seenKey, 'not a set');
      const res = await postEvents(hub, 'portal', [event]);
      expect(res.status).toBe(503);
      expect(res.body.error).toMatch(/^the event store is unavailable \(Redis failed\)/);
      expect(JSON.stringify(res.body)).not.toMatch(LEAKS);
      await hub.redis.del(seenKey);
      expect((await postEvents(hub, 'portal', [event])).body).toMatchObject({ accepted: 1 });
      expect(hub.server.listening).toBe(true);
    });
  });
});
