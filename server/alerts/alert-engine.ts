/**
 * The alert engine of one hub process: reads the alert stream (the events some rule watches,
 * copied there at ingest) in its own consumer group (`alerts`), turns events into timers and
 * alerts atomically with their acknowledgement (and moves the sources' watermarks), and on each
 * tick checks the sources for silence and fires the timers that came due by the clock and by
 * their source's watermark (exactly once across processes; watermarks.ts). Timers live in Redis,
 * so a restarted hub fires what fell due meanwhile.
 */
import crypto from 'node:crypto';
import os from 'node:os';
import type { Logger } from 'pino';
import type { AlertMessage } from '../../common/alerts.ts';
import type { YgEvent } from '../../common/events.ts';
import { dayIndexOf } from '../../common/time.ts';
import type { RedisClient } from '../redis/connect.ts';
import { COUNTERS } from '../redis/counter-fields.ts';
import type { RedisKeys } from '../redis/keys.ts';
import { replyCode } from '../redis/store-failure.ts';
import { createBackgroundLoop } from '../util/background-loop.ts';
import { parseScriptResult, type AlertRedis, type ScriptResult } from './alert-scripts.ts';
import { opsOfEvent, type AlertOp, type RuleContext, type TimerPayload } from './event-ops.ts';
import { sourceSilenceOps } from './source-silence.ts';
import { screenSilenceOps } from './screen-silence.ts';
import { capacityOps } from './capacity.ts';
import { decideTimer } from './timer-decision.ts';
import { readWatermarks, watermarkField, type WatermarkView } from './watermarks.ts';

type StreamEntry = [id: string, fields: string[]];

/** The events that tell a queue's state (tickets, windows): their sources are the capacity rule's. */
const QUEUE_EVENTS: ReadonlySet<YgEvent['type']> = new Set<YgEvent['type']>([
  'ticket.issued',
  'ticket.called',
  'ticket.transferred',
  'ticket.noshow',
  'ticket.started',
  'ticket.finished',
  'window.status',
]);

export interface AlertEngineOptions {
  redis: AlertRedis;
  /** A separate connection for the blocking XREADGROUP. */
  reader: RedisClient;
  keys: RedisKeys;
  rules: RuleContext;
  log: Logger;
  now: () => number;
  /** Called with what changed, to push it to the consoles. */
  onMessages: (messages: AlertMessage[]) => void;
  /** How often due timers are fired. @default 1000 */
  tickMs?: number;
  /** @default 500 */
  batchSize?: number;
  /** @default 30000 */
  claimIdleMs?: number;
  /** @default 5000 */
  claimEveryMs?: number;
  /** @default 1000 */
  blockMs?: number;
  consumerName?: string;
  /** How often (hub clock) the capacity rule looks at the queues. @default 15000 */
  capacityEveryMs?: number;
}

export interface AlertEngine {
  readonly consumer: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Fires due timers and checks sources now (the tick does it on its own; tests call it too). */
  tick(): Promise<void>;
  /** Runs operations outside the stream (used by the source check). */
  runOps(ops: AlertOp[]): Promise<void>;
  readonly stats: { applied: number; fired: number };
}

const FIRE_BATCH = 200;

export function createAlertEngine(opts: AlertEngineOptions): AlertEngine {
  const { redis, reader, keys, rules, log, now } = opts;
  const tickMs = opts.tickMs ?? 1000;
  const batchSize = opts.batchSize ?? 500;
  const claimIdleMs = opts.claimIdleMs ?? 30_000;
  const claimEveryMs = opts.claimEveryMs ?? 5_000;
  const blockMs = opts.blockMs ?? 1_000;
  const consumer = opts.consumerName ?? `${os.hostname()}-${process.pid}-${crypto.randomBytes(3).toString('hex')}`;
  const capacityEveryMs = opts.capacityEveryMs ?? 15_000;
  const stats = { applied: 0, fired: 0 };
  /** `<center>|<source>` of queue reports this process has recorded in alertsQueueSources already. */
  const queueSources = new Set<string>();
  let lastCapacity = Number.NEGATIVE_INFINITY;
  let ticker: NodeJS.Timeout | null = null;
  let lastClaim = 0;

  const deliver = (result: ScriptResult) => {
    if (result.messages?.length) opts.onMessages(result.messages);
  };

  async function applyBatch(entries: StreamEntry[]): Promise<void> {
    if (entries.length === 0) return;
    // per center and source, the batch's latest event time and when the hub took the latest entry: the watermarks (watermarks.ts)
    const marks = new Map<string, [at: number, taken: number]>();
    const queueFields = new Set<string>();
    const records = entries.map(([sid, fields]) => {
      let ops: AlertOp[] = [];
      try {
        const event = eventOfEntry(fields);
        ops = opsOfEvent(event, rules);
        const field = watermarkField(event.center, event.source);
        if (QUEUE_EVENTS.has(event.type)) queueFields.add(field);
        const ms = Date.parse(event.at);
        const taken = takenAt(fields) ?? now();
        const mark = marks.get(field);
        if (Number.isFinite(ms)) marks.set(field, mark ? [Math.max(mark[0], ms), Math.max(mark[1], taken)] : [ms, taken]);
      } catch (err) {
        // the aggregator moves unreadable entries to the dead-letter stream; here they are skipped
        log.error({ sid, err: (err as Error).message }, 'alert engine cannot read a stream entry; skipping it');
      }
      return JSON.stringify(ops.length > 0 ? { sid, ops } : { sid });
    });
    // the sources that report queues: the capacity rule waits for their watermarks (capacity.ts); written once per process
    const fresh = [...queueFields].filter((f) => !queueSources.has(f));
    if (fresh.length > 0) {
      await redis.hset(keys.alertsQueueSources, Object.fromEntries(fresh.map((f) => [f, now()])));
      for (const f of fresh) queueSources.add(f);
    }
    const result = parseScriptResult(
      await redis.ygAlertApply(
        keys.alertStream,
        keys.prefix,
        now(),
        keys.alertsGroup,
        consumer,
        entries[0]![0],
        entries[entries.length - 1]![0],
        entries.length * 2 + 100,
        JSON.stringify(Object.fromEntries(marks)),
        ...records,
      ),
    );
    stats.applied += result.applied ?? 0;
    deliver(result);
  }

  async function claimAbandoned(): Promise<void> {
    let cursor = '0-0';
    do {
      const [next, entries] = (await redis.xautoclaim(keys.alertStream, keys.alertsGroup, consumer, claimIdleMs, cursor, 'COUNT', batchSize)) as [
        string,
        StreamEntry[],
        string[],
      ];
      await applyBatch(entries.filter((e) => Array.isArray(e[1])));
      cursor = next;
    } while (cursor !== '0-0' && readLoop.running);
  }

  // the blocking read is the wait between steps: the next one starts at once
  const readLoop = createBackgroundLoop({
    async step() {
      if (Date.now() - lastClaim >= claimEveryMs) {
        lastClaim = Date.now();
        await claimAbandoned();
      }
      const res = (await reader.xreadgroup('GROUP', keys.alertsGroup, consumer, 'COUNT', batchSize, 'BLOCK', blockMs, 'STREAMS', keys.alertStream, '>')) as
        [string, StreamEntry[]][] | null;
      if (res?.[0]) await applyBatch(res[0][1]);
      return 0;
    },
    onError(err) {
      log.warn({ err: (err as Error).message }, 'alert engine: Redis call failed; retrying in 1 s');
      return 1000;
    },
  });

  async function fireDue(marks: WatermarkView): Promise<void> {
    for (let round = 0; round < 20; round++) {
      const t = now();
      const flat = await redis.zrangebyscore(keys.alertTimers, '-inf', t, 'WITHSCORES', 'LIMIT', 0, FIRE_BATCH);
      if (flat.length === 0) return;
      const ids: string[] = [];
      const scores: string[] = [];
      for (let i = 0; i < flat.length; i += 2) {
        ids.push(flat[i]!);
        scores.push(flat[i + 1]!);
      }
      const payloads = (await redis.hmget(keys.alertTimerPayloads, ...ids)).map((j) => (j ? (JSON.parse(j) as TimerPayload) : null));
      const waiting = await waitingByDept(payloads, t);
      let acted = 0;
      for (let i = 0; i < ids.length; i++) {
        const payload = payloads[i];
        const decision = payload
          ? decideTimer(payload, Number(scores[i]), {
              now: t,
              config: rules.config,
              office: rules.office,
              waiting: (d) => waiting.get(d) ?? 0,
              reportedUpTo: marks.upTo,
            })
          : { do: 'drop' as const };
        const arg = decision.do === 'move' ? decision.at : decision.do === 'hold' ? decision.held : 0;
        const result = parseScriptResult(await redis.ygAlertFire(keys.prefix, t, ids[i]!, scores[i]!, decision.do, arg));
        stats.fired += result.fired ?? 0;
        // a held timer left the due set, so the next round reads the ones after it
        if (decision.do !== 'move') acted++;
        deliver(result);
      }
      // a fired timer may arm another that is already due (escalation catching up): go round again
      if (acted === 0) return;
    }
  }

  /** Waiting tickets of the departments with an unattended window among the due timers. */
  async function waitingByDept(payloads: (TimerPayload | null)[], t: number): Promise<Map<string, number>> {
    const depts = new Set<string>();
    for (const p of payloads) if (p?.kind === 'open' && p.spec.rule === 'window' && p.spec.dept) depts.add(p.spec.dept);
    const out = new Map<string, number>();
    const day = dayIndexOf(t);
    for (const dept of depts) out.set(dept, Number((await redis.hget(keys.day(`dept:${dept}`, day), COUNTERS.waiting)) ?? 0));
    return out;
  }

  async function runOps(ops: AlertOp[]): Promise<void> {
    if (ops.length === 0) return;
    deliver(parseScriptResult(await redis.ygAlertOps(keys.prefix, now(), JSON.stringify(ops))));
  }

  async function doTick(): Promise<void> {
    // silence first: a silent source's timers then wait for it (watermarks.ts)
    await runOps(await sourceSilenceOps(redis, keys, rules, now()));
    await runOps(await screenSilenceOps(redis, keys, rules, now()));
    const marks = await readWatermarks(redis, keys, now());
    await marks.release();
    await fireDue(marks);
    const t = now();
    // the queues change by the minute: a look every capacityEveryMs (a clock moved back looks again)
    if (t - lastCapacity >= capacityEveryMs || t < lastCapacity) {
      lastCapacity = t;
      await runOps(await capacityOps(redis, keys, rules, t, marks));
    }
  }

  // Ticks of one process run one after another (a caller's tick starts after the running one,
  // so it sees the clock as it is now); other processes are kept apart by the scripts.
  let chain: Promise<void> = Promise.resolve();
  let pendingTicks = 0;
  function tick(): Promise<void> {
    pendingTicks++;
    const run = chain.then(doTick).finally(() => {
      pendingTicks--;
    });
    chain = run.catch(() => undefined);
    return run;
  }

  return {
    consumer,
    stats,
    tick,
    runOps,
    async start() {
      try {
        await redis.xgroup('CREATE', keys.alertStream, keys.alertsGroup, '0', 'MKSTREAM');
      } catch (err) {
        if (replyCode(err) !== 'BUSYGROUP') throw err;
      }
      readLoop.start();
      ticker = setInterval(() => {
        if (pendingTicks > 0) return;
        tick().catch((err: unknown) => log.warn({ err: (err as Error).message }, 'alert engine: tick failed; trying again next tick'));
      }, tickMs);
    },
    async stop() {
      const stopped = readLoop.stop();
      if (ticker) clearInterval(ticker);
      await stopped;
      await chain;
    },
  };
}

/** When the hub took an alert stream entry (`in`, the hub's clock; absent in entries written before). */
function takenAt(fields: string[]): number | undefined {
  const i = fields.indexOf('in');
  const ms = i >= 0 ? Number(fields[i + 1]) : NaN;
  return Number.isFinite(ms) ? ms : undefined;
}

/** The event of an alert stream entry: `r` holds the stream record, the event under `e` (StreamRecord in server/ingest/enrich-event.ts). */
function eventOfEntry(fields: string[]): YgEvent {
  const record = fields.indexOf('r');
  if (record < 0) throw new Error('the entry has no record field r');
  return (JSON.parse(fields[record + 1]!) as { e: YgEvent }).e;
}
