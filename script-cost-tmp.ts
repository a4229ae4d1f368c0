// Redis time per event of the append script (applying inline), HEAD's text against the working tree's, interleaved on the same batches.
import fs from 'node:fs';
import { Redis } from 'ioredis';
import type { YgEvent } from './common/events.ts';
import { loadCatalog } from './server/catalog/load-catalog.ts';
import { enrichEvent } from './server/ingest/enrich-event.ts';
import { assembleScript } from './server/redis/scripts.ts';
import { createMixer } from './bench/lib/event-mix.ts';
import { WATCHED_EVENT_TYPES } from './server/alerts/event-ops.ts';

const r = new Redis(Number(process.argv[2]));
const rd = (p: string) => fs.readFileSync(`/tmp/before/server/${p}`, 'utf8');
const inc = (t: string): string => t.replace(/^--#include ([\w-]+\.lua)$/gm, (_l, n: string) => inc(rd(`aggregate/${n}`)));
const oldLua = `${rd('redis/lua/working-days.lua')}\n${inc(rd('ingest/append-events.lua'))}`;
const newLua = assembleScript('append-events.lua');
const sha = { old: (await r.script('LOAD', oldLua)) as string, new: (await r.script('LOAD', newLua)) as string };
const catalog = loadCatalog('config/catalog');
for (const p of ['old:', 'new:']) await r.xgroup('CREATE', `${p}events`, 'aggregators', '$', 'MKSTREAM');
const mixer = createMixer(`cost${Date.now()}`);
const total = { old: 0, new: 0 };
const ratios: number[] = [];
let events = 0;
const rounds = Number(process.argv[3] ?? 300);
for (let i = 0; i < rounds; i++) {
  const now = Date.now();
  const batch = mixer.batch(100, now);
  const perEvent = batch.events.flatMap((e) => {
    const rec = enrichEvent(e as unknown as YgEvent, catalog);
    return [e.id as string, rec.day, JSON.stringify(rec), WATCHED_EVENT_TYPES.has(e.type as YgEvent['type']) ? 1 : 0];
  });
  const order = i % 2 === 0 ? (['old', 'new'] as const) : (['new', 'old'] as const);
  const t = { old: 0, new: 0 };
  for (const v of order) {
    const p = `${v}:`;
    await r.config('RESETSTAT');
    const res = (await r.evalsha(
      sha[v],
      4,
      `${p}events`,
      `${p}sources`,
      `${p}events:alerts`,
      `${p}dead`,
      p,
      35,
      now,
      batch.source,
      now + 60_000,
      3 * 86_400_000,
      'aggregators',
      'alerts',
      ...perEvent,
    )) as unknown[];
    if ((res[2] as number) !== 1 || (res[3] as unknown[]).length > 0) throw new Error(`${v}: not applied inline: ${JSON.stringify(res).slice(0, 300)}`);
    const line = (await r.info('commandstats')).split('\n').find((l) => l.startsWith('cmdstat_evalsha:'))!;
    t[v] = Number(/usec=(\d+)/.exec(line)![1]);
    total[v] += t[v];
  }
  ratios.push(t.new / t.old);
  events += batch.events.length;
}
console.log(
  `${rounds} batches of 100 (the bench's mix), Redis µs per event: HEAD ${(total.old / events).toFixed(2)}, working tree ${(total.new / events).toFixed(2)}, ratio of sums ${(total.new / total.old).toFixed(3)}, median of per-batch ratios ${ratios.sort((a, b) => a - b)[ratios.length >> 1]!.toFixed(3)} (quartiles ${ratios[ratios.length >> 2]!.toFixed(3)}-${ratios[(3 * ratios.length) >> 2]!.toFixed(3)})`,
);
await r.quit();
