/**
 * Exactly once across hubs that die: two hub processes archive one stream (one writes, the other
 * stands by); the writer is killed with SIGKILL while events pour in, twice; then Redis itself is
 * killed and started again on its AOF. The archive must hold every entry of the stream once, in
 * order, with no gap.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { ev } from '../helpers/events.ts';
import { at, dayFromToday } from '../helpers/test-clock.ts';
import { TOKENS } from '../helpers/test-hub.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { dayIndexOfDate } from '../../common/time.ts';
import { startRestartableRedis, type RestartableRedis } from './restartable-redis.ts';
import { archiveCaughtUp, archived, removeTempArchiveDirs, streamEntries, tempArchiveDir } from './archive-fixtures.ts';

interface Child {
  proc: ChildProcess;
  url: string;
  exited: Promise<void>;
}

function startChild(prefix: string, redisUrl: string, dir: string): Promise<Child> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'test/archive/archive-hub-child.ts'], {
    env: { ...process.env, CHILD_PREFIX: prefix, CHILD_REDIS_URL: redisUrl, CHILD_ARCHIVE_DIR: dir },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /READY (\S+)/.exec(out);
      if (m) resolve({ proc, url: m[1]!, exited });
    });
    void exited.then(() => reject(new Error(`the hub child exited before it was ready: ${out}`)));
  });
}

const TODAY_I = dayIndexOfDate(dayFromToday(0));

describe('the archive across crashes', () => {
  const children: Child[] = [];
  let redis: RestartableRedis | null = null;
  afterAll(async () => {
    for (const c of children) c.proc.kill('SIGKILL');
    await Promise.all(children.map((c) => c.exited));
    await redis?.stop();
    removeTempArchiveDirs();
  });

  it('holds each accepted event once, in order, with no gap, when the writing hub is killed mid-stream and when Redis restarts', async () => {
    redis = await startRestartableRedis();
    const prefix = `crash${Date.now() % 100000}:`;
    const dir = tempArchiveDir();
    const acknowledged = new Set<string>();
    let sent = 0;
    let sending = true;

    const alive = () => children.filter((c) => c.proc.exitCode === null && c.proc.signalCode === null);
    /** Sends batches to the living hubs in turn until told to stop; a failed batch is sent again (counted once by id). */
    const sender = async (n: number) => {
      while (sending) {
        const events = Array.from({ length: 50 }, (_, i) => ev.hit(at('00:00:01'), `v${n}-${sent}-${i}`));
        sent++;
        for (let attempt = 0; ; attempt++) {
          const hubs = alive();
          const hub = hubs[(sent + attempt) % hubs.length];
          if (!hub) throw new Error('no hub alive');
          try {
            const res = await fetch(`${hub.url}/api/v1/events`, {
              method: 'POST',
              headers: { authorization: `Bearer ${TOKENS.portal}`, 'content-type': 'application/json' },
              body: JSON.stringify(events),
            });
            if (res.status === 202) {
              for (const e of events) acknowledged.add(e.id);
              break;
            }
          } catch {
            /* the hub died under the request: send again */
          }
          await new Promise((r) => setTimeout(r, 50)); // a pause before resending, not a wait for a condition
        }
      }
    };
    const holderPid = async () => Number(((await redis!.client.get(`${prefix}archive:lease`)) ?? '::').split(':')[1]);

    children.push(await startChild(prefix, redis.url, dir), await startChild(prefix, redis.url, dir));
    const senders = [0, 1, 2].map((n) => sender(n));
    for (let kill = 0; kill < 2; kill++) {
      const before = acknowledged.size;
      await waitFor('events to flow', () => acknowledged.size >= before + 1500, 60_000);
      const pid = await waitFor('a writer', async () => {
        const p = await holderPid();
        return alive().some((c) => c.proc.pid === p) && p;
      });
      const victim = children.find((c) => c.proc.pid === pid)!;
      victim.proc.kill('SIGKILL');
      await victim.exited;
      children.push(await startChild(prefix, redis.url, dir));
      await waitFor(
        'another hub to take the archive over',
        async () => {
          const p = await holderPid();
          return alive().some((c) => c.proc.pid === p);
        },
        30_000,
      );
    }
    // Redis killed and started again on its AOF, under the same load
    const before = acknowledged.size;
    await waitFor('events to flow', () => acknowledged.size >= before + 1000, 60_000);
    await redis.restart();
    const after = acknowledged.size;
    await waitFor('events to flow after the restart', () => acknowledged.size >= after + 1000, 60_000);
    sending = false;
    await Promise.all(senders);

    await archiveCaughtUp(redis.client, prefix, 60_000);
    const stream = await streamEntries(redis.client, `${prefix}events`);
    const kept = await archived(dir, TODAY_I - 1, TODAY_I + 1);
    // every entry once, in order, nothing else
    expect(kept.length).toBe(stream.length);
    expect(kept.map((e) => e.sid)).toEqual(stream.map((e) => e.sid));
    expect(new Set(kept.map((e) => e.record.e.id)).size).toBe(kept.length);
    const keptIds = new Set(kept.map((e) => e.record.e.id));
    expect([...acknowledged].filter((id) => !keptIds.has(id))).toEqual([]);
  }, 240_000);
});
