/**
 * What the models produce: contract-v1 events with the time they are sent. Usually an event is
 * sent when it happens; a device that was offline sends what it buffered when it comes back.
 */
import type { YgEvent } from '../common/events.ts';
import { DAY_MS, SHANGHAI_OFFSET_MS, dateOfDayIndex } from '../common/time.ts';

/** The systems of the center, each with its own ingest token (INGEST_TOKENS `source=token`). */
export const SOURCES = ['queue', 'window', 'rating', 'cases', 'portal', 'trade', 'fee', 'complaint'] as const;
export type SourceName = (typeof SOURCES)[number];

export const SOURCE_DESCRIPTIONS: Record<SourceName, string> = {
  queue: 'queue ticket machine: ticket.issued, ticket.called',
  window: 'window terminals: window.status, ticket.started/finished/noshow/transferred',
  rating: 'rating devices (评价器): rating.submitted',
  cases: 'case approval system: case.*',
  portal: 'portal web servers: portal.hit',
  trade: 'public resource trading center: trade.closed',
  fee: 'fee system: fee.collected',
  complaint: 'efficiency complaints (行政效能投诉): complaint.*',
};

export interface Timed {
  /** Epoch ms of `event.at` (kept as a number to sort without parsing). */
  at: number;
  /** Epoch ms when the source sends it (>= at). */
  sendAt: number;
  event: YgEvent;
  /**
   * Everything before must be acknowledged before this event goes, and it before anything after:
   * a ticket transfer must land between the ticket's first call and its call in the new queue,
   * and those come from another source (the queue machine).
   */
  barrier?: boolean;
}

/** ISO 8601 with +08:00 to the second, as devices send it: `2026-11-27T09:05:12+08:00`. */
export function isoSeconds(ms: number): string {
  const local = ms + SHANGHAI_OFFSET_MS;
  const day = Math.floor(local / DAY_MS);
  let sec = Math.floor((local - day * DAY_MS) / 1000);
  const h = Math.floor(sec / 3600);
  sec -= h * 3600;
  const m = Math.floor(sec / 60);
  sec -= m * 60;
  return `${datePart(day)}T${TWO[h]}:${TWO[m]}:${TWO[sec]}+08:00`;
}
const TWO = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
let cachedDay = NaN;
let cachedDate = '';
function datePart(day: number): string {
  if (day !== cachedDay) {
    cachedDay = day;
    cachedDate = dateOfDayIndex(day);
  }
  return cachedDate;
}

/** Whole seconds: devices do not report milliseconds. */
export const toSecond = (ms: number): number => Math.round(ms / 1000) * 1000;

/** An event without its time; `timed` sets it. */
export type EventInput = YgEvent extends infer E ? (E extends YgEvent ? Omit<E, 'at'> : never) : never;

/** Stamps `event` (a fresh object, taken over) with its time. */
export function timed(atMs: number, event: EventInput, sendAt?: number): Timed {
  const at = toSecond(atMs);
  const e = event as YgEvent;
  e.at = isoSeconds(at);
  return { at, sendAt: sendAt === undefined || sendAt < at ? at : sendAt, event: e };
}

export function byTime(a: Timed, b: Timed): number {
  return a.sendAt - b.sendAt || a.at - b.at;
}

/** `20261127` */
export function compactDate(day: number): string {
  return dateOfDayIndex(day).replaceAll('-', '');
}

/**
 * Ids are deterministic in (seed, day, what), so a repeated replay is counted once by the hub.
 * The default seed leaves no mark in ids a screen shows (case numbers); other seeds do, so two
 * seeds sent to one hub do not collide.
 */
export function seedTag(seed: string): string {
  return seed === DEFAULT_SEED ? '' : `-s${seed}`;
}
export const DEFAULT_SEED = '1';
