/** The mock sends the join key (docs/mock.md): acceptances at a window name their visit's ticket, its ratings the case. */
import { describe, expect, it } from 'vitest';
import { eventSchema, type YgEvent } from '../../common/events.ts';
import { dayIndexOfDate } from '../../common/time.ts';
import { buildDay, modelContext } from '../../mock/model/day.ts';
import { simDays } from '../../mock/model/sim-days.ts';
import { loadMockCalendar } from '../../mock/office-hours.ts';
import { loadCatalog } from '../../server/catalog/load-catalog.ts';

const catalog = loadCatalog('config/catalog').catalog;
const calendar = loadMockCalendar('config/holidays.json');
// The model is pure: a fixed ordinary Wednesday is as good today as in ten years (day-model.test.ts).
const build = buildDay(modelContext(catalog, simDays(calendar), '1'), dayIndexOfDate('2026-11-25'));
const events = build.timeline.map((t) => t.event);
const of = <T extends YgEvent['type']>(type: T) => events.filter((e): e is Extract<YgEvent, { type: T }> => e.type === type);

describe('the mock join key', () => {
  it('names the ticket of a visit served at the window for most acceptances at a window', () => {
    const atWindow = of('case.accepted').filter((e) => e.window);
    const joined = atWindow.filter((e) => e.ticket);
    expect(atWindow.length).toBeGreaterThan(50);
    expect(joined.length / atWindow.length).toBeGreaterThan(0.6);
    const finishedAt = new Set(of('ticket.finished').map((e) => `${e.center}|${e.window}|${e.ticket}`));
    for (const e of joined) expect(finishedAt.has(`${e.center}|${e.window}|${e.ticket}`), `${e.case} ${e.ticket}`).toBe(true);
    // a visit leads to one case at most
    const tickets = joined.map((e) => `${e.center}|${e.ticket}`);
    expect(new Set(tickets).size).toBe(tickets.length);
    // online cases have no visit
    expect(of('case.accepted').filter((e) => !e.window && e.ticket)).toEqual([]);
  });

  it('rates a visit that ended in a case with its ticket and its case, and the others with their ticket', () => {
    const caseOf = new Map(of('case.accepted').flatMap((e) => (e.ticket ? [[`${e.center}|${e.ticket}`, e.case] as const] : [])));
    const ratings = of('rating.submitted');
    expect(ratings.every((r) => r.ticket)).toBe(true);
    const withCase = ratings.filter((r) => r.case);
    expect(withCase.length).toBeGreaterThan(10);
    for (const r of ratings) expect(r.case).toBe(caseOf.get(`${r.center}|${r.ticket}`));
  });

  it('sends only events of contract v1', () => {
    for (const e of events) expect(eventSchema.safeParse(e).success, JSON.stringify(e)).toBe(true);
  });
});
