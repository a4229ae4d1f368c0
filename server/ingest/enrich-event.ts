/**
 * The Asia/Shanghai time buckets of an event's `at` and the scopes it counts in, resolved from
 * the catalog. Pure, so the arithmetic is tested without Redis.
 */
import type { Scope } from '../../common/catalog.ts';
import type { YgEvent } from '../../common/events.ts';
import { dateOfDayIndex, dayIndexOf, shanghaiClock } from '../../common/time.ts';
import type { CatalogIndex } from '../catalog/load-catalog.ts';

/**
 * What the aggregation script needs besides the event, computed once at ingest (where the event
 * is parsed and validated anyway) and stored with it in the stream entry, so that the script can
 * read the stream itself and the hub never parses an event twice.
 */
export interface Enrichment {
  t: YgEvent['type'];
  /** Day index (days since 1970-01-01, Asia/Shanghai). */
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

export function enrichEvent(event: YgEvent, catalog: CatalogIndex): Enrichment {
  const ms = Date.parse(event.at);
  const { hour, minute } = shanghaiClock(ms);
  const day = dayIndexOf(ms);
  const enrichment: Enrichment = {
    t: event.type, ms, day,
    hh: String(hour).padStart(2, '0'),
    mm: String(minute).padStart(4, '0'),
    month: monthOfDay(day),
    scopes: scopesOf(event, catalog),
  };
  if (event.type === 'trade.closed' || event.type === 'fee.collected') enrichment.fen = Math.round(event.amount * 100);
  return enrichment;
}

// A batch's events share a day or two; formatting a date for each of them showed in profiles.
const months = new Map<number, string>();
function monthOfDay(day: number): string {
  let month = months.get(day);
  if (month === undefined) {
    if (months.size > 1000) months.clear();
    month = dateOfDayIndex(day).slice(0, 7);
    months.set(day, month);
  }
  return month;
}

/**
 * The stream entry of an event: its enrichment with the event under `e`, the one JSON the
 * aggregation script decodes. Splices the event's JSON in rather than serialising it twice.
 */
export function recordJson(enrichment: Enrichment, eventJson: string): string {
  return `${JSON.stringify(enrichment).slice(0, -1)},"e":${eventJson}}`;
}

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
