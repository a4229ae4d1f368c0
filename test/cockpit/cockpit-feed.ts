/**
 * A deterministic month of the city for the cockpit tests: every center, a few departments each,
 * windows opening and closing, tickets, cases (early, on time, overdue), ratings (some bad),
 * complaints, portal hits and trades, from `days` days ago up to a minute before `now`.
 * Events go through the real ingest API, grouped by source and in time order per source.
 */
import crypto from 'node:crypto';
import path from 'node:path';
import { PORTAL_COLUMNS, TRADE_CATEGORIES } from '../../common/events.ts';
import { dayIndexOf, startOfDayMs, toShanghaiIso } from '../../common/time.ts';
import type { Hub } from '../../server/hub.ts';
import { loadCatalog } from '../../server/catalog/load-catalog.ts';
import { mulberry32 } from '../../support/seeded-random.ts';
import { postEvents, type TOKENS } from '../helpers/test-hub.ts';

type Source = keyof typeof TOKENS;
type Ev = Record<string, unknown> & { at: string; source: Source };

const catalog = loadCatalog(path.resolve('config/catalog')).catalog;

/** Departments fed per center (the first of each in the catalog), and cases per department-day. */
const DEPTS_PER_CENTER = { yiyang: 6, other: 2 };

export function cockpitMonth(now: number, days: number, seed = 7): Ev[] {
  const r = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const events: Ev[] = [];
  const today = dayIndexOf(now);
  const limit = now - 60_000;
  // Today's office day is squeezed into the part of today already past, so a test run at any
  // hour (even 06:00) sees a busy today; the order of every event is kept.
  const todayStart = startOfDayMs(today);
  const squeeze = Math.min(1, (limit - 60_000 - todayStart) / (18 * 3600_000));
  const push = (source: Source, ms: number, center: string, body: Record<string, unknown>) => {
    const t = ms >= todayStart && ms < todayStart + 86_400_000 ? todayStart + Math.floor((ms - todayStart) * squeeze) : ms;
    if (t <= limit) events.push({ id: crypto.randomUUID(), at: toShanghaiIso(t), source, center, ...body });
  };

  for (let day = today - days + 1; day <= today; day++) {
    const t0 = startOfDayMs(day);
    const at = (hour: number, minute = 0) => t0 + hour * 3600_000 + minute * 60_000;
    for (const center of catalog.centers) {
      const depts = catalog.departments
        .filter((d) => d.center === center.code)
        .slice(0, center.code === 'yiyang' ? DEPTS_PER_CENTER.yiyang : DEPTS_PER_CENTER.other);
      let ticketNo = 0;
      for (const dept of depts) {
        const windows = catalog.windows.filter((w) => w.dept === dept.code).slice(0, 2);
        const item = catalog.items.find((i) => i.dept === dept.code);
        for (const w of windows) {
          push('window', at(8, 30), center.code, { type: 'window.status', window: w.code, dept: dept.code, status: 'open', staff: w.staff[0] ?? undefined });
          if (day < today)
            push('window', at(17, 30), center.code, {
              type: 'window.status',
              window: w.code,
              dept: dept.code,
              status: 'closed',
              staff: w.staff[0] ?? undefined,
            });
        }
        const busy = center.code === 'yiyang' ? 5 + Math.floor(r() * 6) : 2 + Math.floor(r() * 3);
        for (let i = 0; i < busy; i++) {
          const hour = 9 + Math.floor(r() * 7);
          const minute = Math.floor(r() * 50);
          const w = windows[i % Math.max(1, windows.length)];
          const ticket = `${dept.queue}${String(++ticketNo).padStart(3, '0')}`;
          push('queue', at(hour, minute), center.code, { type: 'ticket.issued', ticket, queue: dept.queue, dept: dept.code });
          if (w) {
            const wait = 2 + Math.floor(r() * 25);
            push('queue', at(hour, minute + wait), center.code, { type: 'ticket.called', ticket, window: w.code });
            push('window', at(hour, minute + wait + 1), center.code, { type: 'ticket.started', ticket, window: w.code });
            push('window', at(hour, minute + wait + 6), center.code, { type: 'ticket.finished', ticket, window: w.code });
            const score = r() < 0.06 ? 1 + Math.floor(r() * 2) : r() < 0.1 ? 3 : 4 + Math.floor(r() * 2);
            push('rating', at(hour, minute + wait + 7), center.code, { type: 'rating.submitted', window: w.code, dept: dept.code, score });
          }
          if (item) {
            const caseId = `c-${day}-${dept.code}-${i}`;
            const promisedDays = r() < 0.3 ? 0 : 1 + Math.floor(r() * 3);
            push('cases', at(hour, minute + 10), center.code, {
              type: 'case.accepted',
              case: caseId,
              item: item.code,
              dept: dept.code,
              ...(w ? { window: w.code } : {}),
              promisedDays,
            });
            // most cases are done the same day; a few zero-day cases slip to the next (overdue)
            const late = promisedDays === 0 && r() < 0.08;
            const doneAt = late ? startOfDayMs(day + 1) + 10 * 3600_000 : at(hour + 1, minute);
            push('cases', doneAt, center.code, { type: 'case.completed', case: caseId });
          }
        }
        if (r() < 0.15) {
          const cp = `cp-${day}-${dept.code}`;
          push('complaint', at(11, 5), center.code, { type: 'complaint.filed', complaint: cp, dept: dept.code, channel: 'hotline' });
          if (r() < 0.5) push('complaint', at(15, 5), center.code, { type: 'complaint.closed', complaint: cp, dept: dept.code, channel: 'hotline' });
        }
      }
      const trades = center.code === 'yiyang' ? 2 + Math.floor(r() * 3) : Math.floor(r() * 2);
      for (let i = 0; i < trades; i++) {
        push('trade', at(10 + i, 20), center.code, {
          type: 'trade.closed',
          deal: `d-${day}-${center.code}-${i}`,
          category: pick(TRADE_CATEGORIES),
          amount: Math.round(r() * 5_000_000) / 100 + 10_000,
        });
      }
    }
    // the portal 中国·益阳 belongs to the city center
    const hits = 120 + Math.floor(r() * 80);
    for (let i = 0; i < hits; i++) {
      const ms = t0 + 7 * 3600_000 + Math.floor(r() * 15 * 3600_000);
      push('portal', ms, 'yiyang', { type: 'portal.hit', column: pick(PORTAL_COLUMNS), path: '/news', visitor: `v${Math.floor(r() * 90)}` });
    }
  }
  return events;
}

/** Posts the events as their sources, in time order per source, 1000 a batch. */
export async function sendMonth(hub: Hub, events: Ev[]): Promise<void> {
  const order: Source[] = ['window', 'queue', 'cases', 'rating', 'complaint', 'trade', 'portal'];
  for (const source of order) {
    const mine = events.filter((e) => e.source === source).sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
    for (let i = 0; i < mine.length; i += 1000) {
      const { status, body } = await postEvents(hub, source, mine.slice(i, i + 1000));
      const rejected = (body as { rejected?: unknown[] } | null)?.rejected ?? [];
      if (status !== 202 || rejected.length > 0) throw new Error(`ingest ${source}: ${status} ${JSON.stringify(rejected.slice(0, 3))}`);
    }
  }
}
