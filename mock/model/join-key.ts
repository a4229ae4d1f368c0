/**
 * The join key (docs/contract.md, docs/mock.md): a case accepted at a window names the ticket of the
 * visit it was accepted in, and a rating of that visit names the case too. The hall and the cases
 * are simulated apart (hall.ts, cases.ts); this pairs them afterwards, within one day: a case
 * accepted at a window goes to the visit served there at that moment, or else to the one that
 * ended there shortly before; a visit leads to one case at most. Online cases and cases with no
 * visit near their time send no ticket, as a real case system would.
 */
import type { Timed } from '../timeline.ts';

/** A visit ended this long before an acceptance still led to it (the clerk finishes the file). */
const AFTER_VISIT_MS = 30 * 60_000;

interface Visit {
  ticket: string;
  from: number;
  to: number;
  caseNo?: string;
}

/** Sets `ticket` on the day's acceptances at a window and `case` on the ratings of their visits (in place). */
export function addJoinKeys(timeline: readonly Timed[]): void {
  const startedAt = new Map<string, number>();
  const visitsAt = new Map<string, Visit[]>(); // window -> visits served there, by end
  for (const t of timeline) {
    const e = t.event;
    if (e.type === 'ticket.started') startedAt.set(`${e.window}|${e.ticket}`, t.at);
    else if (e.type === 'ticket.finished') {
      const list = visitsAt.get(e.window) ?? [];
      list.push({ ticket: e.ticket, from: startedAt.get(`${e.window}|${e.ticket}`) ?? t.at, to: t.at });
      visitsAt.set(e.window, list);
    }
  }
  for (const list of visitsAt.values()) list.sort((a, b) => a.to - b.to);

  const caseOfTicket = new Map<string, string>(); // center|ticket -> case
  const acceptances = timeline.filter((t) => t.event.type === 'case.accepted').sort((a, b) => a.at - b.at);
  for (const t of acceptances) {
    const e = t.event;
    if (e.type !== 'case.accepted' || !e.window || e.ticket) continue;
    const list = visitsAt.get(e.window);
    if (!list) continue;
    let chosen: Visit | undefined;
    for (const v of list) {
      if (v.caseNo || v.from > t.at) continue;
      if (v.to >= t.at) {
        chosen = v; // served at that moment
        break;
      }
      if (t.at - v.to <= AFTER_VISIT_MS) chosen = v; // the latest one ended shortly before
    }
    if (!chosen) continue;
    chosen.caseNo = e.case;
    e.ticket = chosen.ticket;
    caseOfTicket.set(`${e.center}|${chosen.ticket}`, e.case);
  }

  for (const t of timeline) {
    const e = t.event;
    if (e.type !== 'rating.submitted' || !e.ticket || e.case) continue;
    const caseNo = caseOfTicket.get(`${e.center}|${e.ticket}`);
    if (caseNo) e.case = caseNo;
  }
}
