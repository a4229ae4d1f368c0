/**
 * The portal "中国·益阳" (portal source): about 300,000 page views a day (peak 335,000) over the 8
 * columns, following a daily curve. Visitors browse in sessions of a few pages; about a third
 * are regulars who come back day after day, so UV is well below PV. Visitor ids are hashed.
 * Generated an hour at a time: a day's 300k hits never sit in memory at once.
 */
import type { WorkCalendar } from '../../common/calendar.ts';
import { PORTAL_COLUMNS } from '../../common/events.ts';
import type { DayScenarios } from '../scenarios.ts';
import { hex64, rngFor } from '../rng.ts';
import { compactDate, timed, type Timed } from '../timeline.ts';

type Column = (typeof PORTAL_COLUMNS)[number];
const HOUR = 3_600_000;
/** Page views per day: working days busier than weekends and holidays (average about 300,000). */
const PV_PER_DAY = { workday: 320_000, dayOff: 255_000 };
/** Relative page views by hour of the day (Asia/Shanghai). */
const HOURLY = [1.2, 0.7, 0.45, 0.35, 0.35, 0.6, 1.3, 2.6, 4.8, 7.0, 7.6, 6.6, 4.6, 4.9, 6.6, 7.0, 6.5, 5.0, 3.6, 3.8, 4.2, 3.9, 2.9, 1.9];
const HOURLY_TOTAL = HOURLY.reduce((a, b) => a + b, 0);
const COLUMN_SHARE: Record<Column, number> = {
  动态信息: 0.3,
  公告信息: 0.2,
  人事信息: 0.08,
  市民留言: 0.12,
  市长热线: 0.1,
  建言献策: 0.05,
  舆情在线: 0.08,
  行政效能投诉: 0.07,
};
const COLUMN_PATH: Record<Column, string> = {
  动态信息: 'dtxx',
  公告信息: 'ggxx',
  人事信息: 'rsxx',
  市民留言: 'smly',
  市长热线: 'szrx',
  建言献策: 'jyxc',
  舆情在线: 'yqzx',
  行政效能投诉: 'xzxnts',
};
const COLUMN_CUMULATIVE = (() => {
  let c = 0;
  return PORTAL_COLUMNS.map((col) => (c += COLUMN_SHARE[col]));
})();
function pickColumn(u: number): Column {
  const r = u * COLUMN_CUMULATIVE[COLUMN_CUMULATIVE.length - 1]!;
  for (let i = 0; i < PORTAL_COLUMNS.length; i++) if (r < COLUMN_CUMULATIVE[i]!) return PORTAL_COLUMNS[i]!;
  return PORTAL_COLUMNS[0];
}
const MEAN_PAGES = 3;
const P_REGULAR = 0.35;
const REGULARS = 60_000;

export interface PortalHour {
  /** Pages of each session starting in this hour; then the spike's extra sessions. */
  pages: Uint8Array;
  /** How many of `pages` are the spike's extra sessions (at the end). */
  spikeSessions: number;
  hits: number;
}

export interface PortalPlan {
  day: number;
  baseMs: number;
  hours: PortalHour[];
  total: number;
  seed: string;
  spike: DayScenarios['portalSpike'];
}

export function planPortal(seed: string, day: number, baseMs: number, calendar: WorkCalendar, scenarios: DayScenarios): PortalPlan {
  const rng = rngFor(seed, day, 'portal-plan');
  const pv = (calendar.isWorkday(day) ? PV_PER_DAY.workday : PV_PER_DAY.dayOff) * (1 + rng.normal(0, 0.03));
  const spike = scenarios.portalSpike;
  let total = 0;
  const hours = HOURLY.map((w, h) => {
    const sessions = Math.round((pv * w) / HOURLY_TOTAL / MEAN_PAGES);
    let spikeSessions = 0;
    if (spike) {
      const overlap = Math.max(0, Math.min(spike.toMs, baseMs + (h + 1) * HOUR) - Math.max(spike.fromMs, baseMs + h * HOUR));
      spikeSessions = Math.round(sessions * (overlap / HOUR) * COLUMN_SHARE[spike.column] * (spike.factor - 1));
    }
    const pages = new Uint8Array(sessions + spikeSessions);
    let hits = 0;
    for (let s = 0; s < pages.length; s++) {
      // 1 + geometric: mean MEAN_PAGES, capped
      let p = 1;
      while (p < 30 && rng.chance(1 - 1 / MEAN_PAGES)) p++;
      pages[s] = p;
      hits += p;
    }
    total += hits;
    return { pages, spikeSessions, hits };
  });
  return { day, baseMs, hours, total, seed, spike };
}

/** The hits of one hour, in time order. */
export function portalHits(plan: PortalPlan, hour: number, idBase: string): Timed[] {
  const { seed, day, baseMs, spike } = plan;
  const h = plan.hours[hour]!;
  const rng = rngFor(seed, day, 'portal', hour);
  const hourStart = baseMs + hour * HOUR;
  const hourEnd = hourStart + HOUR - 1000;
  const date = compactDate(day);
  const month = date.slice(0, 6);
  const out: Timed[] = [];
  const normal = h.pages.length - h.spikeSessions;
  for (let s = 0; s < h.pages.length; s++) {
    const isSpike = s >= normal && spike;
    let t = isSpike ? rng.uniform(Math.max(spike.fromMs, hourStart), Math.min(spike.toMs, hourEnd)) : rng.uniform(hourStart, hourEnd);
    const visitor = rng.chance(P_REGULAR) ? hex64(`${seed}|regular|${Math.floor(REGULARS * rng.next() ** 2)}`) : hex64(`${seed}|${date}|${hour}|${s}`);
    let column: Column = isSpike ? spike.column : pickColumn(rng.next());
    for (let k = 0; k < h.pages[s]!; k++) {
      if (k > 0 && !isSpike && rng.chance(0.3)) column = pickColumn(rng.next());
      const article = rng.int(1, isSpike ? 3 : 400);
      out.push(
        timed(Math.min(t, hourEnd), {
          id: `${idBase}.p${hour}.${s}.${k}`,
          type: 'portal.hit',
          source: 'portal',
          center: 'yiyang',
          column,
          path: `/${COLUMN_PATH[column]}/${month}/t${date}_${article}.html`,
          visitor,
        }),
      );
      t += rng.uniform(8_000, 120_000);
    }
  }
  return out.sort((a, b) => a.at - b.at);
}
