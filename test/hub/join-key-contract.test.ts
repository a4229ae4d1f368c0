/**
 * The join key in contract v1 (docs/contract.md): `case.accepted` may name its visit's `ticket`,
 * `rating.submitted` its `ticket` and `case`; events without them stay valid.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eventSchema } from '../../common/events.ts';
import { at } from '../helpers/test-clock.ts';

const code = fc.stringMatching(/^[A-Za-z0-9.-]{1,64}$/);
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const envelope = { source: 'cases', center: 'yiyang' };
const withOptional = (e: Record<string, unknown>, fields: Record<string, string | undefined>) => {
  const out = { ...e };
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) out[k] = v;
  return out;
};

describe('the join key in the contract', () => {
  it('accepts case.accepted with or without the ticket of its visit, keeping it when sent', () => {
    fc.assert(
      fc.property(code, code, maybe(code), maybe(code), (id, caseNo, ticket, window) => {
        const e = withOptional(
          {
            ...envelope,
            id,
            at: at('09:30'),
            type: 'case.accepted',
            case: caseNo,
            item: 'yiyang.realestate.transfer',
            dept: 'yiyang.realestate',
            promisedDays: 5,
          },
          { ticket, window },
        );
        const parsed = eventSchema.safeParse(e);
        expect(parsed.success).toBe(true);
        expect(parsed.data).toMatchObject(ticket === undefined ? {} : { ticket });
        if (ticket === undefined) expect(parsed.data).not.toHaveProperty('ticket');
      }),
    );
  });

  it('accepts rating.submitted with any of ticket, case and staff, or none', () => {
    fc.assert(
      fc.property(code, fc.integer({ min: 1, max: 5 }), maybe(code), maybe(code), maybe(code), (id, score, ticket, caseNo, staff) => {
        const e = withOptional(
          { ...envelope, source: 'rating', id, at: at('09:31'), type: 'rating.submitted', window: 'yiyang.w001', dept: 'yiyang.realestate', score },
          { ticket, case: caseNo, staff },
        );
        const parsed = eventSchema.safeParse(e);
        expect(parsed.success).toBe(true);
        expect(parsed.data).toMatchObject({ ...(ticket ? { ticket } : {}), ...(caseNo ? { case: caseNo } : {}) });
      }),
    );
  });

  it('refuses a join key that is not a code', () => {
    for (const bad of ['', 'x'.repeat(65), 7, null]) {
      const accepted = { ...envelope, id: 'a', at: at('09:30'), type: 'case.accepted', case: 'C1', item: 'i', dept: 'd', promisedDays: 1, ticket: bad };
      const rating = { ...envelope, id: 'r', at: at('09:31'), type: 'rating.submitted', window: 'w', dept: 'd', score: 3, case: bad };
      expect(eventSchema.safeParse(accepted).success, JSON.stringify(bad)).toBe(false);
      expect(eventSchema.safeParse(rating).success, JSON.stringify(bad)).toBe(false);
    }
  });
});
