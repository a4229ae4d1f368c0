/**
 * A stream record's JSON (recordJson, server/ingest/enrich-event.ts) is written out by hand for
 * speed; it must be exactly what JSON.stringify gives, key order included (the archive reads the
 * record's head in that order), for every kind of event and whatever text its fields carry.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eventSchema, EVENT_TYPES, PORTAL_COLUMNS, TRADE_CATEGORIES, WINDOW_STATUSES, type EventType } from '../../common/events.ts';
import { toShanghaiIso } from '../../common/time.ts';
import { loadCatalog } from '../../server/catalog/load-catalog.ts';
import { enrichEvent, recordJson } from '../../server/ingest/enrich-event.ts';
import { testNow } from '../helpers/test-clock.ts';

const catalog = loadCatalog('config/catalog');
const windows = [...catalog.windows.keys()];
const depts = [...catalog.departments.keys()];
const items = [...catalog.items.keys()];
const staff = [...catalog.staffNames.keys()];

// text that JSON must escape (quotes, backslashes, controls, lone surrogates) beside plain codes
const text = fc.oneof(fc.string({ minLength: 1, maxLength: 40, unit: 'binary' }), fc.constantFrom('a"b', 'c\\d', 'e\nf', '\u2028', '\ud800', '窗口'));
const code = (known: string[]) => fc.oneof(fc.constantFrom(...known), fc.string({ minLength: 1, maxLength: 64 }));
const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const yuan = fc.oneof(fc.integer({ min: 0, max: 1e10 }), fc.double({ min: 0, max: 1e10, noNaN: true }), fc.constantFrom(0.1, 0.29, 99999999.99));

const fieldsOf: Record<EventType, fc.Arbitrary<Record<string, unknown>>> = {
  'ticket.issued': fc.record({ ticket: text, queue: text, dept: code(depts) }),
  'ticket.called': fc.record({ ticket: text, window: code(windows) }),
  'ticket.started': fc.record({ ticket: text, window: code(windows), staff: optional(code(staff)) }),
  'ticket.finished': fc.record({ ticket: text, window: code(windows), staff: optional(code(staff)) }),
  'ticket.noshow': fc.record({ ticket: text, window: code(windows), staff: optional(code(staff)) }),
  'ticket.transferred': fc.record({ ticket: text, window: code(windows), toQueue: text }),
  'window.status': fc.record({ window: code(windows), dept: code(depts), status: fc.constantFrom(...WINDOW_STATUSES), staff: optional(code(staff)) }),
  'case.accepted': fc.record({
    case: text,
    item: code(items),
    dept: code(depts),
    window: optional(code(windows)),
    promisedDays: fc.integer({ min: 0, max: 365 }),
    ticket: optional(text),
  }),
  'case.suspended': fc.record({ case: text, reason: text }),
  'case.resumed': fc.record({ case: text, reason: optional(text) }),
  'case.completed': fc.record({ case: text }),
  'case.returned': fc.record({ case: text, reason: text }),
  'rating.submitted': fc.record({
    window: code(windows),
    dept: code(depts),
    score: fc.integer({ min: 1, max: 5 }),
    staff: optional(code(staff)),
    comment: optional(fc.string({ maxLength: 500, unit: 'grapheme' })),
  }),
  'complaint.filed': fc.record({ complaint: text, dept: code(depts), channel: text }),
  'complaint.closed': fc.record({ complaint: text, dept: code(depts), channel: text }),
  'portal.hit': fc.record({ column: fc.constantFrom(...PORTAL_COLUMNS), path: text, visitor: text }),
  'trade.closed': fc.record({ deal: text, category: fc.constantFrom(...TRADE_CATEGORIES), amount: yuan }),
  'fee.collected': fc.record({ item: code(items), amount: yuan, receipt: text }),
};

const event = fc
  .record({
    type: fc.constantFrom(...EVENT_TYPES),
    id: fc.string({ minLength: 1, maxLength: 128 }),
    // any minute of the last year, so days, hours, minutes and months all vary
    offsetMs: fc.integer({ min: 0, max: 366 * 24 * 3_600_000 }),
    center: fc.constantFrom('yiyang', 'heshan', 'anhua'),
  })
  .chain(({ type, id, offsetMs, center }) =>
    fieldsOf[type].map((fields) => ({ id, type, at: toShanghaiIso(testNow() - offsetMs), source: 'test', center, ...fields })),
  );

describe('recordJson', () => {
  it('is JSON.stringify of the record for every kind of event', () => {
    fc.assert(
      fc.property(event, (raw) => {
        const parsed = eventSchema.safeParse(raw);
        // the generators make valid events only: a failure here is a broken generator, not a pass
        expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
        const record = enrichEvent(parsed.data!, catalog);
        expect(recordJson(record)).toBe(JSON.stringify(record));
      }),
      { numRuns: 2000 },
    );
  });

  it('falls back to JSON.stringify for a number JSON spells otherwise', () => {
    const record = enrichEvent(
      eventSchema.parse({
        id: 'x',
        type: 'fee.collected',
        at: toShanghaiIso(testNow()),
        source: 'fee',
        center: 'yiyang',
        item: items[0],
        amount: 1,
        receipt: 'r',
      }),
      catalog,
    );
    for (const odd of [{ ms: Number.NaN }, { day: 1.5 }, { fen: Number.POSITIVE_INFINITY }]) {
      const changed = { ...record, ...odd };
      expect(recordJson(changed)).toBe(JSON.stringify(changed));
    }
  });
});
