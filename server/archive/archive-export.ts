/**
 * The archived events for an auditor (docs/api.md, "Exporting the archived events"): those whose
 * `at` lies in a range, of some types, as NDJSON (one line per event: its stream id, when the hub
 * took it, the event as it was sent) or CSV (the same, one column per event field). Written as it
 * is read: a month streams holding one segment at a time, never the whole answer.
 */
import { eventSchemas, type EventType, EVENT_TYPES } from '../../common/events.ts';
import { EVENTS_EXPORT_MAX_DAYS } from '../../common/api-queries.ts';
import { dateOfDayIndex, dayIndexOf, toShanghaiIso } from '../../common/time.ts';
import { InputError } from '../domain-errors.ts';
import type { ArchiveSource } from './archived-entry.ts';
import { msOfSid } from './archive-layout.ts';

export interface ExportRequest {
  /** Epoch ms, inclusive. */
  fromMs: number;
  /** Epoch ms, exclusive. */
  toMs: number;
  /** Null: every type. */
  types: EventType[] | null;
  format: 'ndjson' | 'csv';
}

/** The range checked: not empty, not reversed, at most EVENTS_EXPORT_MAX_DAYS days. */
export function checkExportRange(fromMs: number, toMs: number): { fromDay: number; toDay: number } {
  if (toMs <= fromMs) throw new InputError('must be after from', 'to');
  const fromDay = dayIndexOf(fromMs);
  const toDay = dayIndexOf(toMs - 1);
  if (toDay - fromDay + 1 > EVENTS_EXPORT_MAX_DAYS)
    throw new InputError(`an export spans at most ${EVENTS_EXPORT_MAX_DAYS} days; ask for several ranges`, 'to');
  return { fromDay, toDay };
}

/** The file name the answer is saved under. */
export function exportFileName(req: ExportRequest): string {
  const day = (ms: number) => dateOfDayIndex(dayIndexOf(ms));
  return `events-${day(req.fromMs)}-to-${day(req.toMs - 1)}.${req.format}`;
}

/** The CSV columns: the stream id, the time taken, then every field of the types asked for, in the contract's order. */
export function csvColumns(types: EventType[] | null): string[] {
  const fields: string[] = [];
  for (const type of types ? EVENT_TYPES.filter((t) => types.includes(t)) : EVENT_TYPES) {
    for (const field of Object.keys(eventSchemas[type].shape)) if (!fields.includes(field)) fields.push(field);
  }
  // the envelope first, whatever the first type lists first
  const first = ['id', 'type', 'at', 'source', 'center'];
  return ['sid', 'received', ...first, ...fields.filter((f) => !first.includes(f))];
}

/** A CSV cell: quoted when needed; text a spreadsheet would take for a formula starts with ' (OWASP CSV injection). */
export function csvCell(value: unknown): string {
  if (value === undefined || value === null) return '';
  let text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * The answer's text in chunks of about 64 KiB, in stream order. CSV starts with a UTF-8 BOM (Excel
 * then reads the Chinese text right) and its header row; `counted` learns the number of events.
 */
export async function* exportChunks(source: ArchiveSource, req: ExportRequest, counted: (rows: number) => void): AsyncGenerator<string> {
  const { fromDay, toDay } = checkExportRange(req.fromMs, req.toMs);
  const types = req.types ? new Set<string>(req.types) : null;
  const columns = req.format === 'csv' ? csvColumns(req.types) : [];
  let chunk = req.format === 'csv' ? `\uFEFF${columns.join(',')}\r\n` : '';
  let rows = 0;
  for await (const { sid, record } of source.entries({ fromDay, toDay })) {
    if (record.ms < req.fromMs || record.ms >= req.toMs || (types && !types.has(record.t))) continue;
    const received = toShanghaiIso(msOfSid(sid));
    rows++;
    if (req.format === 'ndjson') {
      chunk += `${JSON.stringify({ sid, received, event: record.e })}\n`;
    } else {
      const event = record.e as unknown as Record<string, unknown>;
      chunk += `${columns.map((c) => csvCell(c === 'sid' ? sid : c === 'received' ? received : Object.hasOwn(event, c) ? event[c] : undefined)).join(',')}\r\n`;
    }
    if (chunk.length >= 65_536) {
      yield chunk;
      chunk = '';
    }
  }
  counted(rows);
  if (chunk) yield chunk;
}
