/**
 * What the aggregates must hold after a set of accepted events, computed in plain TypeScript from
 * docs/metrics.md (counts per scope and Asia/Shanghai day, hour and minute; money in fen), and
 * what a hub's Redis does hold, for the event types whose counters depend on nothing but the event:
 * portal hits, trades, fees, ratings, complaints and ticket issues.
 */
import type { Redis } from 'ioredis';
import type { RedisClient } from '../../server/redis/connect.ts';
import { fenOfYuan, isBadRating } from '../../common/figures.ts';
import { dateOfDayIndex, dayIndexOf, shanghaiClock, startOfDayMs } from '../../common/time.ts';
import { loadCatalog } from '../../server/catalog/load-catalog.ts';
import { COUNTERS as C, COUNTER_FAMILIES as F, hourField, minuteField } from '../../server/redis/counter-fields.ts';

const catalog = loadCatalog('config/catalog');
const RATED = [C.rated1, C.rated2, C.rated3, C.rated4, C.rated5];

/** key (without the hub's prefix) → field → sum */
export type Counters = Map<string, Map<string, number>>;

export class CounterModel {
  readonly counters: Counters = new Map();

  /** `now`: the hub's clock, by which per-minute detail lives until 3 days after its day. */
  constructor(private readonly now: number) {}

  private add(key: string, field: string, n: number): void {
    let h = this.counters.get(key);
    if (!h) this.counters.set(key, (h = new Map()));
    h.set(field, (h.get(field) ?? 0) + n);
  }

  /** Day total; with `timed`, the hour (`field|HH`) and minute of day (`field|MMMM`) buckets too. */
  private count(scopes: string[], ms: number, field: string, n: number, timed: boolean): void {
    const day = dayIndexOf(ms);
    const { hour, minute } = shanghaiClock(ms);
    for (const s of scopes) {
      this.add(`agg:${s}:${day}`, field, n);
      if (timed) {
        this.add(`aggh:${s}:${day}`, hourField(field, hour), n);
        if (startOfDayMs(day + 4) > this.now) this.add(`aggm:${s}:${day}`, minuteField(field, minute), n);
      }
    }
  }

  private monthly(scopes: string[], ms: number, field: string, n: number): void {
    const month = dateOfDayIndex(dayIndexOf(ms)).slice(0, 7);
    for (const s of scopes) this.add(`aggmo:${s}:${month}`, field, n);
  }

  /** An event the hub said it took. */
  take(e: Record<string, any>): void {
    const ms = Date.parse(e.at);
    const center = [`center:${e.center}`, 'city'];
    const withDept = (dept: string) => [`dept:${dept}`, ...center];
    switch (e.type) {
      case 'portal.hit':
        this.count(center, ms, C.portalViews, 1, true);
        this.count(center, ms, `${F.portalColumn}${e.column}`, 1, false);
        break;
      case 'trade.closed': {
        const fen = fenOfYuan(e.amount);
        this.count(center, ms, C.trades, 1, true);
        this.count(center, ms, C.tradesFen, fen, false);
        this.count(center, ms, `${F.tradesOfCategory}${e.category}`, 1, false);
        this.count(center, ms, `${F.tradesFenOfCategory}${e.category}`, fen, false);
        this.monthly(center, ms, `${F.tradesOfCategory}${e.category}`, 1);
        this.monthly(center, ms, `${F.tradesFenOfCategory}${e.category}`, fen);
        break;
      }
      case 'fee.collected': {
        const fen = fenOfYuan(e.amount);
        const dept = catalog.items.get(e.item)?.dept;
        const scopes = dept ? withDept(dept) : center;
        this.count(scopes, ms, C.fees, 1, true);
        this.count(scopes, ms, C.feesFen, fen, false);
        this.monthly(scopes, ms, C.fees, 1);
        this.monthly(scopes, ms, C.feesFen, fen);
        break;
      }
      case 'rating.submitted': {
        const scopes = [`window:${e.window}`, ...withDept(catalog.windows.get(e.window)!.dept)];
        this.count(scopes, ms, RATED[e.score - 1]!, 1, false);
        this.count(scopes, ms, C.ratings, 1, true);
        if (isBadRating(e.score)) this.count(scopes, ms, C.badRatings, 1, true);
        break;
      }
      case 'complaint.filed':
        this.count(withDept(e.dept), ms, C.complaintsFiled, 1, false);
        break;
      case 'complaint.closed':
        this.count(withDept(e.dept), ms, C.complaintsClosed, 1, false);
        break;
      case 'ticket.issued': // a ticket number issued once: counted, and waiting until called
        this.count(withDept(e.dept), ms, C.issued, 1, true);
        this.count(withDept(e.dept), ms, C.waiting, 1, false);
        break;
      default:
        throw new Error(`the model does not count ${e.type}`);
    }
  }
}

// the alert engine's tally in the same hashes (server/alerts/lua/alert-core.lua), not aggregation's
const ALERT_FIELDS = new Set<string>([C.alertsRaised, C.alertsRaisedYellow, C.alertsRaisedRed]);

/** Every aggregation counter of a prefix (day, hour, minute and month hashes), zero fields left out. */
export async function readCounters(client: RedisClient, prefix: string): Promise<Counters> {
  const redis = client as Redis; // the tests' Redis is one server
  const keys: string[] = [];
  for (const kind of ['agg', 'aggh', 'aggm', 'aggmo']) {
    let cursor = '0';
    do {
      const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}${kind}:*`, 'COUNT', 1000);
      cursor = next;
      keys.push(...found);
    } while (cursor !== '0');
  }
  const p = redis.pipeline();
  for (const k of keys) p.hgetall(k);
  const values = (await p.exec())!.map(([err, v]) => {
    if (err) throw err;
    return v as Record<string, string>;
  });
  const out: Counters = new Map();
  keys.forEach((k, i) => {
    const fields = new Map<string, number>();
    for (const [f, v] of Object.entries(values[i]!)) if (Number(v) !== 0 && !ALERT_FIELDS.has(f)) fields.set(f, Number(v));
    if (fields.size > 0) out.set(k.slice(prefix.length), fields);
  });
  return out;
}

/** Sorted plain objects, for a readable comparison: key → field → n, zero fields left out. */
export function plain(counters: Counters): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const key of [...counters.keys()].sort()) {
    const fields = [...counters.get(key)!].filter(([, n]) => n !== 0).sort(([a], [b]) => (a < b ? -1 : 1));
    if (fields.length > 0) out[key] = Object.fromEntries(fields);
  }
  return out;
}

/**
 * The city's counters minus the sum of its centers' (per kind of hash and period): empty when the
 * city equals the sum of its centers.
 */
export function cityMinusCenters(counters: Counters): Record<string, Record<string, number>> {
  const diff: Counters = new Map();
  const add = (key: string, field: string, n: number) => {
    let h = diff.get(key);
    if (!h) diff.set(key, (h = new Map()));
    h.set(field, (h.get(field) ?? 0) + n);
  };
  for (const [key, fields] of counters) {
    const m = /^(agg|aggh|aggm|aggmo):(city|center:[^:]+):(.+)$/.exec(key);
    if (!m) continue;
    const sign = m[2] === 'city' ? 1 : -1;
    for (const [f, n] of fields) add(`${m[1]}:city:${m[3]}`, f, sign * n);
  }
  return plain(diff);
}
