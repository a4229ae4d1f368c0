/**
 * The Asia/Shanghai time buckets of an event's `at` and the scopes it counts in, resolved from
 * the catalog. Pure, so the arithmetic is tested without Redis.
 */
import type { Scope } from '../../common/catalog.ts';
import type { YgEvent } from '../../common/events.ts';
import { fenOfYuan } from '../../common/figures.ts';
import { dateOfDayIndex, dayIndexOf, shanghaiClock } from '../../common/time.ts';
import type { CatalogIndex } from '../catalog/load-catalog.ts';
import { hourBucket, minuteBucket } from '../redis/counter-fields.ts';

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

/** A stream entry's `r`: the enrichment with the event under `e`, the one JSON the aggregation script decodes. */
export interface StreamRecord extends Enrichment {
  e: YgEvent;
}

/** `ms`: the event's `at` as epoch ms, when the caller has parsed it already (validateBatch has). */
export function enrichEvent(event: YgEvent, catalog: CatalogIndex, ms = Date.parse(event.at)): StreamRecord {
  const { hour, minute } = shanghaiClock(ms);
  const day = dayIndexOf(ms);
  const money = event.type === 'trade.closed' || event.type === 'fee.collected';
  // one object of one shape, serialised once (JSON.stringify) into the stream entry
  return {
    t: event.type,
    ms,
    day,
    hh: hourBucket(hour),
    mm: minuteBucket(minute),
    month: monthOfDay(day),
    scopes: scopesOf(event, catalog),
    fen: money ? fenOfYuan(event.amount) : undefined,
    e: event,
  };
}

/**
 * The record's JSON: exactly what `JSON.stringify(record)` gives, key order included (the archive
 * reads the head in this order: archive-layout.ts), property-tested in test/hub/record-json.test.ts.
 * Written out because this runs for every event ingested, and JSON.stringify spent half its time on
 * the head of fixed keys, safe strings (an event type, digits, a month) and whole numbers: 0.78
 * against 1.43 µs per event. The scopes and the event go through JSON.stringify, which escapes them.
 */
export function recordJson(record: StreamRecord): string {
  const { ms, day, fen } = record;
  // a number JSON would spell otherwise (NaN as null) never reaches here, but would take the safe path
  if (!Number.isSafeInteger(ms) || !Number.isSafeInteger(day) || (fen !== undefined && !Number.isSafeInteger(fen))) return JSON.stringify(record);
  let json =
    '{"t":"' +
    record.t +
    '","ms":' +
    ms +
    ',"day":' +
    day +
    ',"hh":"' +
    record.hh +
    '","mm":"' +
    record.mm +
    '","month":"' +
    record.month +
    '","scopes":' +
    (wideScopesJson.get(record.scopes) ?? JSON.stringify(record.scopes));
  if (fen !== undefined) json += ',"fen":' + fen;
  return json + ',"e":' + JSON.stringify(record.e) + '}';
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

/** The scopes an event counts in, from the narrowest (window) to the whole city. */
export function scopesOf(event: YgEvent, catalog: CatalogIndex): Scope[] {
  switch (event.type) {
    case 'ticket.called':
    case 'ticket.transferred':
      return windowScopes(event.window, event.center, catalog);
    // served by a member of staff: counted in their scope too (the staff scope, docs/metrics.md)
    case 'ticket.started':
    case 'ticket.finished':
    case 'ticket.noshow':
      return withStaff(windowScopes(event.window, event.center, catalog), event.staff, catalog);
    case 'rating.submitted':
      return withStaff(windowScopes(event.window, event.center, catalog, event.dept), event.staff, catalog);
    case 'window.status':
      return windowScopes(event.window, event.center, catalog, event.dept);
    case 'case.accepted':
      return event.window ? windowScopes(event.window, event.center, catalog, event.dept) : [`dept:${event.dept}`, `center:${event.center}`, 'city'];
    case 'ticket.issued':
    case 'complaint.filed':
    case 'complaint.closed':
      return [`dept:${event.dept}`, `center:${event.center}`, 'city'];
    case 'fee.collected': {
      const dept = catalog.items.get(event.item)?.dept;
      return dept ? [`dept:${dept}`, `center:${event.center}`, 'city'] : [`center:${event.center}`, 'city'];
    }
    // the center and the city; a case's later events too: its scopes were fixed at acceptance and are kept with the case
    case 'portal.hit':
    case 'trade.closed':
    case 'case.suspended':
    case 'case.resumed':
    case 'case.completed':
    case 'case.returned':
      return wideScopes(event.center);
  }
}

// Most events (portal hits above all) count in their center and the city only: one frozen list
// per center, and its JSON for recordJson, made once instead of two strings, a list and their
// JSON per event. Centers are the catalog's (validateBatch refuses others); the bound is a guard.
const wideScopesOf = new Map<string, Scope[]>();
const wideScopesJson = new WeakMap<readonly Scope[], string>();
function wideScopes(center: string): Scope[] {
  let scopes = wideScopesOf.get(center);
  if (scopes === undefined) {
    if (wideScopesOf.size > 1000) wideScopesOf.clear();
    scopes = Object.freeze([`center:${center}`, 'city']) as Scope[];
    wideScopesOf.set(center, scopes);
    wideScopesJson.set(scopes, JSON.stringify(scopes));
  }
  return scopes;
}

/** A staff member of the catalog adds `staff:<code>` after the place's scopes; an unknown one adds nothing. */
function withStaff(scopes: Scope[], staff: string | undefined, catalog: CatalogIndex): Scope[] {
  if (staff !== undefined && catalog.staffNames.has(staff)) scopes.push(`staff:${staff}`);
  return scopes;
}

// A plain function rather than a closure made per event: scopesOf runs for every event ingested.
function windowScopes(window: string, center: string, catalog: CatalogIndex, fallbackDept?: string): Scope[] {
  const dept = catalog.windows.get(window)?.dept ?? fallbackDept;
  return dept ? [`window:${window}`, `dept:${dept}`, `center:${center}`, 'city'] : [`window:${window}`, `center:${center}`, 'city'];
}
