/**
 * Event contract v1 (docs/contract.md): one zod schema per event type, with inferred types.
 * Shared by the hub (validation at the edge), the mock feed (what it sends) and the web.
 */
import { z } from 'zod';
import { TRADE_CATEGORIES } from './trade-categories.ts';

// Messages a device integrator can act on: name what is missing or of the wrong kind.
z.config({
  customError: (issue) => {
    if (issue.code === 'invalid_type')
      return issue.input === undefined
        ? 'is required'
        : `must be a ${issue.expected}, not ${typeof issue.input === 'object' ? (issue.input === null ? 'null' : Array.isArray(issue.input) ? 'an array' : 'an object') : typeof issue.input}`;
    return undefined;
  },
});

/**
 * A center's code: a lowercase name (`yiyang`). Which centers exist is data (the `catalog` section,
 * docs/admin.md): ingest checks an event's center against the live catalog, not this schema.
 */
export const CENTER_CODE_RE = /^[a-z][a-z0-9-]{0,31}$/;
export { TRADE_CATEGORIES };
export const WINDOW_STATUSES = ['open', 'serving', 'paused', 'closed'] as const;
export const PORTAL_COLUMNS = ['动态信息', '公告信息', '人事信息', '市民留言', '市长热线', '建言献策', '舆情在线', '行政效能投诉'] as const;

const code = (what: string) => z.string().min(1, `${what} is required`).max(64, `${what} is longer than 64 characters`);
/** ISO 8601 with an explicit offset (Z or ±hh:mm): a time without one is ambiguous across time zones. */
const isoTime = z.iso.datetime({ offset: true, message: 'must be ISO 8601 with an offset, e.g. 2026-11-27T09:05:12+08:00' });
/**
 * The most one event may carry, in yuan (100亿元, more than the trading center closes in three
 * years). Amounts are summed in fen, exactly while a sum stays below 2^53 fen (about 90 trillion
 * yuan): at this maximum that is 9,007 events in one scope and day or month. The aggregation refuses
 * an event that would take a sum past it (docs/api.md).
 */
export const MAX_AMOUNT_YUAN = 1e10;
const yuan = z.number().finite().nonnegative('must be 0 or more').max(MAX_AMOUNT_YUAN, 'must be at most 10000000000 yuan (100亿元)');

const envelope = {
  id: z.string().min(1, 'id is required').max(128, 'id is longer than 128 characters'),
  at: isoTime,
  source: code('source'),
  center: z.string().regex(CENTER_CODE_RE, 'must be a center code: lowercase letters, digits and -, e.g. yiyang'),
};

const ticketAtWindow = { ticket: code('ticket'), window: code('window'), staff: code('staff').optional() };

export const eventSchemas = {
  'ticket.issued': z.object({ ...envelope, type: z.literal('ticket.issued'), ticket: code('ticket'), queue: code('queue'), dept: code('dept') }),
  'ticket.called': z.object({ ...envelope, type: z.literal('ticket.called'), ticket: code('ticket'), window: code('window') }),
  'ticket.started': z.object({ ...envelope, type: z.literal('ticket.started'), ...ticketAtWindow }),
  'ticket.finished': z.object({ ...envelope, type: z.literal('ticket.finished'), ...ticketAtWindow }),
  'ticket.noshow': z.object({ ...envelope, type: z.literal('ticket.noshow'), ...ticketAtWindow }),
  'ticket.transferred': z.object({
    ...envelope,
    type: z.literal('ticket.transferred'),
    ticket: code('ticket'),
    window: code('window'),
    toQueue: code('toQueue'),
  }),
  'window.status': z.object({
    ...envelope,
    type: z.literal('window.status'),
    window: code('window'),
    dept: code('dept'),
    status: z.enum(WINDOW_STATUSES, { message: `must be one of ${WINDOW_STATUSES.join(', ')}` }),
    staff: code('staff').optional(),
  }),
  'case.accepted': z.object({
    ...envelope,
    type: z.literal('case.accepted'),
    case: code('case'),
    item: code('item'),
    dept: code('dept'),
    window: code('window').optional(),
    promisedDays: z.number().int('must be a whole number of working days').min(0).max(365),
    /** The ticket of the visit that led to the case (the join key, docs/contract.md); optional since v1. */
    ticket: code('ticket').optional(),
  }),
  'case.suspended': z.object({ ...envelope, type: z.literal('case.suspended'), case: code('case'), reason: z.string().min(1).max(200) }),
  'case.resumed': z.object({ ...envelope, type: z.literal('case.resumed'), case: code('case'), reason: z.string().max(200).optional() }),
  'case.completed': z.object({ ...envelope, type: z.literal('case.completed'), case: code('case') }),
  'case.returned': z.object({ ...envelope, type: z.literal('case.returned'), case: code('case'), reason: z.string().min(1).max(200) }),
  'rating.submitted': z.object({
    ...envelope,
    type: z.literal('rating.submitted'),
    window: code('window'),
    dept: code('dept'),
    score: z.number().int('must be a whole number of stars').min(1, 'must be 1 to 5').max(5, 'must be 1 to 5'),
    staff: code('staff').optional(),
    ticket: code('ticket').optional(),
    case: code('case').optional(),
    comment: z.string().max(500).optional(),
  }),
  'complaint.filed': z.object({ ...envelope, type: z.literal('complaint.filed'), complaint: code('complaint'), dept: code('dept'), channel: code('channel') }),
  'complaint.closed': z.object({
    ...envelope,
    type: z.literal('complaint.closed'),
    complaint: code('complaint'),
    dept: code('dept'),
    channel: code('channel'),
  }),
  'portal.hit': z.object({
    ...envelope,
    type: z.literal('portal.hit'),
    column: z.enum(PORTAL_COLUMNS, { message: `must be one of ${PORTAL_COLUMNS.join('、')}` }),
    path: z.string().min(1).max(512),
    visitor: z.string().min(1).max(128),
  }),
  'trade.closed': z.object({
    ...envelope,
    type: z.literal('trade.closed'),
    deal: code('deal'),
    category: z.enum(TRADE_CATEGORIES, { message: `must be one of ${TRADE_CATEGORIES.join(', ')}` }),
    amount: yuan,
  }),
  'fee.collected': z.object({ ...envelope, type: z.literal('fee.collected'), item: code('item'), amount: yuan, receipt: code('receipt') }),
} as const;

export type EventType = keyof typeof eventSchemas;
export const EVENT_TYPES = Object.keys(eventSchemas) as EventType[];

export const eventSchema = z.discriminatedUnion(
  'type',
  Object.values(eventSchemas) as unknown as [(typeof eventSchemas)[EventType], ...(typeof eventSchemas)[EventType][]],
);
export type YgEvent = z.infer<typeof eventSchema>;

/** An ingest batch: a bare array or `{ events: [...] }`. Elements are validated one by one later. */
export const MAX_BATCH_EVENTS = 1000;
export const batchSchema = z.union([z.array(z.unknown()), z.object({ events: z.array(z.unknown()) })]);

export interface EventError {
  path: string;
  message: string;
}
export interface RejectedEvent {
  index: number;
  id?: string;
  errors: EventError[];
}
export interface IngestResult {
  accepted: number;
  duplicates: number;
  rejected: RejectedEvent[];
}
