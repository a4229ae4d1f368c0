/**
 * The append script's cost in Redis alone (server/ingest/append-events.lua), per event and per
 * command it calls: no hub, no HTTP. Batches of the bench's mix (bench/lib/event-mix.ts), validated
 * and enriched as the hub does, are appended through the hub's own `appendEvents` (applied inline,
 * as a caught-up hub does) into a `redis-server` of the run's own; `INFO commandstats` tells what
 * each command took, and raw pipelined `XADD` of the same records is the baseline of the same run.
 *
 *   npm run bench -- append-script [--batches N]
 */
import { Redis } from 'ioredis';
import { WATCHED_EVENT_TYPES } from '../server/alerts/event-ops.ts';
import { loadCatalog } from '../server/catalog/load-catalog.ts';
import { enrichEvent, recordJson } from '../server/ingest/enrich-event.ts';
import { appendEvents } from '../server/ingest/append-events.ts';
import { validateBatch, type ValidEvent } from '../server/ingest/validate-batch.ts';
import { redisKeys } from '../server/redis/keys.ts';
import { withScripts } from '../server/redis/scripts.ts';
import { commandStats } from './lib/command-stats.ts';
import { createMixer } from './lib/event-mix.ts';
import { cpuSeconds, printTable, startRedis } from './lib/processes.ts';

const batchesArg = process.argv.indexOf('--batches');
const BATCHES = batchesArg > 0 ? Number(process.argv[batchesArg + 1]) : 2000;
const BATCH = Number(process.env.APPEND_BATCH ?? 100);
const IN_FLIGHT = 8;

const catalog = loadCatalog('config/catalog');
const redis = await startRedis();
const client = withScripts(new Redis(redis.port));
const keys = redisKeys('bench:');
await client.xgroup('CREATE', keys.stream, keys.group, '0', 'MKSTREAM');
await client.xgroup('CREATE', keys.alertStream, keys.alertsGroup, '0', 'MKSTREAM');

const now = Date.now();
const mixer = createMixer(`s${now}`);
const prepared: { source: string; valid: ValidEvent[] }[] = [];
for (let i = 0; i < BATCHES; i++) {
  const b = mixer.batch(BATCH, now);
  const { valid, rejected } = validateBatch(b.events, { source: b.source, catalog, now, maxAgeDays: 2 });
  if (rejected.length > 0) throw new Error(`the mix made an invalid event: ${JSON.stringify(rejected[0])}`);
  prepared.push({ source: b.source, valid });
}

// The script: IN_FLIGHT batches at a time, as several senders keep the hub's connection busy.
await client.config('RESETSTAT');
const cpu0 = cpuSeconds(redis.pid);
let next = 0;
let events = 0;
const t0 = performance.now();
await Promise.all(
  Array.from({ length: IN_FLIGHT }, async () => {
    while (next < prepared.length) {
      const { source, valid } = prepared[next++]!;
      const r = await appendEvents(client, keys, source, valid, {
        catalog,
        dedupeDays: 2,
        retentionMs: 3 * 86_400_000,
        now,
        deadline: Date.now() + 60_000,
        applyInline: true,
        alertEventTypes: WATCHED_EVENT_TYPES,
      });
      if (r.appliedScopes === undefined || r.accepted !== valid.length) throw new Error(`a batch was not applied whole: ${JSON.stringify(r)}`);
      events += r.accepted;
    }
  }),
);
const scriptSec = (performance.now() - t0) / 1000;
const scriptCpu = cpuSeconds(redis.pid) - cpu0;
const stats = await commandStats(client);

// The baseline: the same records, raw pipelined XADD.
const records = prepared.flatMap((b) => b.valid.map((v) => recordJson(enrichEvent(v.event, catalog, v.ms))));
await client.config('RESETSTAT');
const rawCpu0 = cpuSeconds(redis.pid);
const rawT0 = performance.now();
for (let i = 0; i < records.length; i += 1000) {
  const p = client.pipeline();
  for (const json of records.slice(i, i + 1000)) p.xadd('raw:events', '*', 'r', json);
  await p.exec();
}
const rawSec = (performance.now() - rawT0) / 1000;
const rawCpu = cpuSeconds(redis.pid) - rawCpu0;
const rawStats = await commandStats(client);

const perEvent = (usec: number) => (usec / events).toFixed(2);
const script = stats.get('evalsha') ?? { calls: 0, usec: 0 };
const rows: Record<string, string | number>[] = [
  {
    measure: 'raw pipelined XADD of the records',
    'µs/event': perEvent(rawStats.get('xadd')?.usec ?? 0),
    'calls/100 events': 100,
    note: `Redis CPU ${((rawCpu * 1e6) / events).toFixed(2)} µs/event, ${Math.round(events / rawSec)} events/s`,
  },
  {
    measure: 'the append script (EVALSHA), whole',
    'µs/event': perEvent(script.usec),
    'calls/100 events': ((100 * script.calls) / events).toFixed(1),
    note: `Redis CPU ${((scriptCpu * 1e6) / events).toFixed(2)} µs/event, ${Math.round(events / scriptSec)} events/s; ${(script.usec / (rawStats.get('xadd')?.usec ?? 1)).toFixed(1)}× raw`,
  },
];
let inner = 0;
for (const [name, s] of [...stats].sort((a, b) => b[1].usec - a[1].usec)) {
  if (name === 'evalsha' || name.startsWith('config') || name === 'info') continue;
  inner += s.usec;
  rows.push({ measure: `  ${name.toUpperCase()}`, 'µs/event': perEvent(s.usec), 'calls/100 events': ((100 * s.calls) / events).toFixed(1), note: '' });
}
rows.push({
  measure: '  the Lua itself (script less its commands)',
  'µs/event': perEvent(script.usec - inner),
  'calls/100 events': '',
  note: 'decoding, checks, tables, key names, the cost of each redis.call',
});
printTable(`The append script in Redis alone: ${events} events in batches of ${BATCH} (the bench's mix), ${IN_FLIGHT} in flight`, rows);

client.disconnect();
await redis.stop();
