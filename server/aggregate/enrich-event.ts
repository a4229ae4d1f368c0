/**
 * Turns a stored event into the record the aggregation script applies: the Asia/Shanghai time
 * buckets of its `at` and the scopes it counts in, resolved from the catalog. Pure, so the
 * arithmetic is tested without Redis.
 */
import type { Scope } from '../../common/catalog.ts';
import { EVENT_TYPES, type YgEvent } from '../../common/events.ts';
import { dayIndexOf, shanghaiClock, shanghaiDate } from '../../common/time.ts';
import type { CatalogIndex } from '../catalog/load-catalog.ts';

export interface ApplyRecord {
  /** Stream entry id. */
  sid: string;
  t: YgEvent['type'];
  e: YgEvent;
  day: number;
  /** Hour of day, two digits. */
  hh: string;
  /** Minute of day, four digits. */
  mm: string;
  ms: number;
  /** `YYYY-MM` */
  month: string;
  scopes: Scope[];
  /** Money in fen (1/100 yuan), so sums stay exact. */
  fen?: number;
}

export function enrichEvent(sid: string, event: YgEvent, catalog: CatalogIndex): ApplyRecord {
  const ms = Date.parse(event.at);
  const { hour, minute } = shanghaiClock(ms);
  const record: ApplyRecord = {
    sid, t: event.type, e: event, ms,
    day: dayIndexOf(ms),
    hh: String(hour).padStart(2, '0'),
    mm: String(minute).padStart(4, '0'),
    month: shanghaiDate(ms).slice(0, 7),
    scopes: scopesOf(event, catalog),
  };
  if (event.type === 'trade.closed' || event.type === 'fee.collected') record.fen = Math.round(event.amount * 100);
  return record;
}

/**
 * The record as the script reads it (JSON), reusing the event's stored JSON instead of
 * serialising it again: this runs for every event on the aggregation hot path.
 */
export function recordJson(record: ApplyRecord, eventJson: string): string {
  const { e: _e, ...rest } = record;
  const head = JSON.stringify(rest);
  return `${head.slice(0, -1)},"e":${eventJson}}`;
}

/** Cheap shape check of a stored event (validated at ingest): enough to enrich it safely. */
export function looksLikeEvent(value: unknown): value is YgEvent {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.type === 'string' && EVENT_TYPE_SET.has(v.type) && typeof v.id === 'string' && typeof v.at === 'string'
    && typeof v.center === 'string' && !Number.isNaN(Date.parse(v.at));
}

const EVENT_TYPE_SET: ReadonlySet<string> = new Set(EVENT_TYPES);

/** The scopes an event counts in, from the narrowest (window) to the whole city. */
export function scopesOf(event: YgEvent, catalog: CatalogIndex): Scope[] {
  const wide: Scope[] = [`center:${event.center}`, 'city'];
  const atWindow = (window: string, fallbackDept?: string): Scope[] => {
    const dept = catalog.windows.get(window)?.dept ?? fallbackDept;
    return dept ? [`window:${window}`, `dept:${dept}`, ...wide] : [`window:${window}`, ...wide];
  };
  switch (event.type) {
    case 'ticket.called':
    case 'ticket.started':
    case 'ticket.finished':
    case 'ticket.noshow':
    case 'ticket.transferred':
      return atWindow(event.window);
    case 'window.status':
    case 'rating.submitted':
      return atWindow(event.window, event.dept);
    case 'case.accepted':
      return event.window ? atWindow(event.window, event.dept) : [`dept:${event.dept}`, ...wide];
    case 'ticket.issued':
    case 'complaint.filed':
    case 'complaint.closed':
      return [`dept:${event.dept}`, ...wide];
    case 'fee.collected': {
      const dept = catalog.items.get(event.item)?.dept;
      return dept ? [`dept:${dept}`, ...wide] : wide;
    }
    case 'portal.hit':
    case 'trade.closed':
      return wide;
    // the case's scopes were fixed at acceptance and are kept with the case
    case 'case.suspended':
    case 'case.resumed':
    case 'case.completed':
    case 'case.returned':
      return wide;
  }
}
