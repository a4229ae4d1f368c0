/**
 * Events for load tests, in the proportions of a real day at the city center: portal hits
 * dominate; ticket flows, ratings and cases follow. Every event is valid for the hub.
 */
import fs from 'node:fs';
import type { ServiceItem, ServiceWindow } from '../../common/catalog.ts';
import { PORTAL_COLUMNS } from '../../common/events.ts';
import { toShanghaiIso } from '../../common/time.ts';

const windows = (JSON.parse(fs.readFileSync('config/catalog/windows.json', 'utf8')) as ServiceWindow[]).filter((w) => w.center === 'yiyang');
const items = (JSON.parse(fs.readFileSync('config/catalog/items.json', 'utf8')) as ServiceItem[]).filter((i) => i.dept.startsWith('yiyang.'));

export const BENCH_SOURCES = ['queue', 'window', 'rating', 'cases', 'portal'] as const;
export type BenchSource = (typeof BENCH_SOURCES)[number];
export const benchTokens = (): Record<BenchSource, string> =>
  Object.fromEntries(BENCH_SOURCES.map((s) => [s, `${s}-bench-token`])) as Record<BenchSource, string>;
export const ingestTokensEnv = () =>
  Object.entries(benchTokens())
    .map(([s, t]) => `${s}=${t}`)
    .join(',');

export interface Batch {
  source: BenchSource;
  events: Record<string, unknown>[];
  portalHits: number;
}

/**
 * One cycle of sources, each as often as its share and spread out over the cycle (smooth weighted
 * round-robin), as a day interleaves them. Runs of one source (the five queue batches one after
 * another) put five calls within half a second into the fan-out bench's background every 10 s,
 * which a hall does not send, and they spent the center room's call budget (docs/realtime.md).
 */
export function spreadPlan(shares: Record<BenchSource, number>): BenchSource[] {
  const sources = Object.keys(shares) as BenchSource[];
  const total = sources.reduce((sum, s) => sum + shares[s], 0);
  const current = Object.fromEntries(sources.map((s) => [s, 0])) as Record<BenchSource, number>;
  const plan: BenchSource[] = [];
  for (let i = 0; i < total; i++) {
    let best = sources[0]!;
    for (const s of sources) {
      current[s] += shares[s];
      if (current[s] > current[best]) best = s;
    }
    current[best] -= total;
    plan.push(best);
  }
  return plan;
}

/** Makes batches of `size` events of one source each, cycling sources by their share of a day. */
export function createMixer(runId: string) {
  let n = 0;
  let ticket = 0;
  let caseNo = 0;
  const base = (source: string, atMs: number) => ({ id: `${runId}-${n++}`, at: toShanghaiIso(atMs), source, center: 'yiyang' });
  const pick = <T>(xs: T[]) => xs[Math.floor(Math.random() * xs.length)]!;
  const plan = spreadPlan({ portal: 85, queue: 5, window: 5, rating: 2, cases: 3 });
  let k = 0;

  function batch(size: number, nowMs: number): Batch {
    const source = plan[k++ % plan.length]!;
    const events: Record<string, unknown>[] = [];
    let portalHits = 0;
    for (let i = 0; i < size; i++) {
      const w = pick(windows);
      switch (source) {
        case 'portal':
          events.push({
            ...base('portal', nowMs),
            type: 'portal.hit',
            column: pick([...PORTAL_COLUMNS]),
            path: `/art/${n % 5000}.html`,
            visitor: `v${Math.floor(Math.random() * 200_000)}`,
          });
          portalHits++;
          break;
        case 'queue': {
          const t = `Q${ticket++}`;
          events.push(
            i % 2
              ? { ...base('queue', nowMs), type: 'ticket.called', ticket: `Q${ticket - 2}`, window: w.code }
              : { ...base('queue', nowMs), type: 'ticket.issued', ticket: t, queue: 'Q', dept: w.dept },
          );
          break;
        }
        case 'window':
          events.push(
            i % 2
              ? { ...base('window', nowMs), type: 'ticket.finished', ticket: `Q${ticket - 1 - i}`, window: w.code }
              : { ...base('window', nowMs), type: 'ticket.started', ticket: `Q${ticket - 1 - i}`, window: w.code },
          );
          break;
        case 'rating':
          events.push({ ...base('rating', nowMs), type: 'rating.submitted', window: w.code, dept: w.dept, score: Math.random() < 0.98 ? 5 : 2 });
          break;
        case 'cases': {
          const item = pick(items);
          if (i % 2 === 0)
            events.push({
              ...base('cases', nowMs),
              type: 'case.accepted',
              case: `${runId}-c${caseNo++}`,
              item: item.code,
              dept: item.dept,
              promisedDays: item.promisedDays,
            });
          else events.push({ ...base('cases', nowMs), type: 'case.completed', case: `${runId}-c${caseNo - 1}` });
          break;
        }
      }
    }
    return { source, events, portalHits };
  }
  return { batch };
}
