/**
 * A small simulated city-center hall for the screen tests and the soak benchmark: it produces
 * contract-v1 events (window statuses, tickets, cases, ratings) for the real ingest API. The
 * mock feed (mock/) is the product's simulator; this one is deterministic and fast to seed.
 */
import crypto from 'node:crypto';
import path from 'node:path';
import { loadCatalog } from '../server/catalog/load-catalog.ts';
import { toShanghaiIso } from '../common/time.ts';
import { mulberry32 } from './seeded-random.ts';
import type { TOKENS } from './source-tokens.ts';

export type Source = keyof typeof TOKENS;
export interface FeedEvent {
  source: Source;
  event: Record<string, unknown>;
}

const catalog = loadCatalog(path.resolve('config/catalog')).catalog;
export const HALL_WINDOWS = catalog.windows.filter((w) => w.center === 'yiyang');
const DEPTS = new Map(catalog.departments.map((d) => [d.code, d]));
const ITEMS_BY_DEPT = new Map<string, { code: string; promisedDays: number }[]>();
for (const it of catalog.items) ITEMS_BY_DEPT.set(it.dept, [...(ITEMS_BY_DEPT.get(it.dept) ?? []), it]);

export class HallFeed {
  private readonly rnd: () => number;
  private ticketNo = new Map<string, number>();
  private waiting: { ticket: string; dept: string }[] = [];
  private serving = new Map<string, string>();
  private openCases: string[] = [];
  private caseNo = 0;

  constructor(seed = 7) {
    this.rnd = mulberry32(seed);
  }

  private pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.rnd() * list.length)]!;
  }

  private ev(source: Source, at: number, type: string, fields: Record<string, unknown>): FeedEvent {
    return { source, event: { id: crypto.randomUUID(), type, at: toShanghaiIso(at), source, center: 'yiyang', ...fields } };
  }

  issue(at: number, dept = this.pick(HALL_WINDOWS).dept): FeedEvent {
    const queue = DEPTS.get(dept)?.queue ?? 'A';
    const n = (this.ticketNo.get(queue) ?? 0) + 1;
    this.ticketNo.set(queue, n);
    const ticket = `${queue}${String(n).padStart(3, '0')}`;
    this.waiting.push({ ticket, dept });
    return this.ev('queue', at, 'ticket.issued', { ticket, queue, dept });
  }

  /** Calls the oldest waiting ticket to a window of its department (or any), and starts it there. */
  callNext(at: number, windowCode?: string): FeedEvent[] {
    const next = this.waiting.shift();
    if (!next) return [];
    const w = windowCode
      ? HALL_WINDOWS.find((x) => x.code === windowCode)!
      : (HALL_WINDOWS.find((x) => x.dept === next.dept && !this.serving.has(x.code)) ?? this.pick(HALL_WINDOWS));
    const out: FeedEvent[] = [];
    const prev = this.serving.get(w.code);
    if (prev) out.push(this.ev('window', at - 2000, 'ticket.finished', { ticket: prev, window: w.code, staff: w.staff[0] }));
    this.serving.set(w.code, next.ticket);
    out.push(this.ev('queue', at - 1000, 'ticket.called', { ticket: next.ticket, window: w.code }));
    out.push(this.ev('window', at, 'ticket.started', { ticket: next.ticket, window: w.code, staff: w.staff[0] }));
    out.push(this.ev('window', at, 'window.status', { window: w.code, dept: w.dept, status: 'serving', staff: w.staff[0] }));
    return out;
  }

  windowStatus(at: number, windowCode: string, status: 'open' | 'serving' | 'paused' | 'closed'): FeedEvent {
    const w = HALL_WINDOWS.find((x) => x.code === windowCode)!;
    if (status !== 'serving') this.serving.delete(windowCode);
    return this.ev('window', at, 'window.status', { window: w.code, dept: w.dept, status, ...(status === 'closed' ? {} : { staff: w.staff[0] }) });
  }

  acceptCase(at: number): FeedEvent {
    const w = this.pick(HALL_WINDOWS);
    const items = ITEMS_BY_DEPT.get(w.dept) ?? [{ code: `${w.dept}.general`, promisedDays: 5 }];
    const item = this.pick(items);
    const id = `C${String(++this.caseNo).padStart(6, '0')}-${crypto.randomBytes(2).toString('hex')}`;
    this.openCases.push(id);
    return this.ev('cases', at, 'case.accepted', { case: id, item: item.code, dept: w.dept, window: w.code, promisedDays: item.promisedDays });
  }

  completeCase(at: number): FeedEvent | null {
    const id = this.openCases.shift();
    return id ? this.ev('cases', at, 'case.completed', { case: id }) : null;
  }

  rating(at: number): FeedEvent {
    const w = this.pick(HALL_WINDOWS);
    const r = this.rnd();
    const score = r < 0.004 ? 1 : r < 0.01 ? 2 : r < 0.05 ? 3 : r < 0.25 ? 4 : 5;
    return this.ev('rating', at, 'rating.submitted', { window: w.code, dept: w.dept, score, staff: w.staff[0] });
  }

  /** A busy morning: every window with a status, tickets waiting and served, cases, ratings. */
  morning(from: number, to: number): FeedEvent[] {
    const span = Math.max(60_000, to - from);
    const at = (f: number) => Math.round(from + span * f);
    const out: FeedEvent[] = [];
    HALL_WINDOWS.forEach((w, i) => {
      const r = (i * 37) % 100;
      const status = r < 12 ? 'closed' : r < 20 ? 'paused' : r < 34 ? 'open' : 'serving';
      out.push(this.windowStatus(at(0.01), w.code, status === 'serving' ? 'open' : status));
    });
    for (let i = 0; i < 420; i++) out.push(this.issue(at(0.05 + 0.9 * (i / 420))));
    const servingWindows = HALL_WINDOWS.filter((_, i) => (i * 37) % 100 >= 34);
    let k = 0;
    for (const w of servingWindows) out.push(...this.callNext(at(0.6 + 0.35 * (k++ / servingWindows.length)), w.code));
    for (let i = 0; i < 180; i++) out.push(this.acceptCase(at(0.1 + 0.8 * (i / 180))));
    for (let i = 0; i < 140; i++) {
      const c = this.completeCase(at(0.2 + 0.75 * (i / 140)));
      if (c) out.push(c);
    }
    for (let i = 0; i < 260; i++) out.push(this.rating(at(0.1 + 0.85 * (i / 260))));
    return out;
  }

  /** One step of a live hall for the soak: `n` mixed events at `at`. */
  step(at: number, n: number): FeedEvent[] {
    const out: FeedEvent[] = [];
    while (out.length < n) {
      const r = this.rnd();
      if (r < 0.35) out.push(this.issue(at));
      else if (r < 0.6) out.push(...this.callNext(at));
      else if (r < 0.72) out.push(this.acceptCase(at));
      else if (r < 0.82) {
        const c = this.completeCase(at);
        if (c) out.push(c);
      } else if (r < 0.95) out.push(this.rating(at));
      else out.push(this.windowStatus(at, this.pick(HALL_WINDOWS).code, this.pick(['open', 'paused', 'serving', 'closed'] as const)));
    }
    return out;
  }
}

/**
 * Splits events into batches of consecutive events of one source (one token per source), so the
 * hub receives them in the order they happened.
 */
export function batchesInOrder(events: FeedEvent[], max = 1000): { source: Source; events: Record<string, unknown>[] }[] {
  const out: { source: Source; events: Record<string, unknown>[] }[] = [];
  for (const e of events) {
    const last = out[out.length - 1];
    if (last && last.source === e.source && last.events.length < max) last.events.push(e.event);
    else out.push({ source: e.source, events: [e.event] });
  }
  return out;
}
