/**
 * Back-test of the usual day (server/forecast/usual-day.ts, docs/forecast.md): the mock's last
 * four weeks, each day forecast from the days before it, against what the mock's model made.
 *   npm run bench -- forecast [--quick] [--to YYYY-MM-DD] [--seed S]
 *
 * The history is the mock's own model (mock/model/hall.ts, cases.ts with the holiday-shaped load
 * of mock/office-hours.ts), deterministic for a seed: the city center's `ticket.issued` and
 * `case.accepted` events counted by the hour of their `at`, the rule the hub's aggregation counts
 * them by (`iss|HH`, `acc|HH`), without the hub: a year and more of days through the real ingest
 * would take far longer than a bench may. The error is the mean absolute percentage error over the
 * office hours (08-12, 14-18: the hours with a session in them) of the working days; an hour whose
 * actual count is 0 has no percentage error and is left out (counted in the table); closed days are
 * left out (both forecasts say 0 and are right). Next to it, the naive forecast: the same hour of
 * the same weekday a week before.
 */
import path from 'node:path';
import { DAY_KIND_LABELS, dayKindOf, type DayKind } from '../common/calendar.ts';
import { dateOfDayIndex, dayIndexOf, dayIndexOfDate, shanghaiClock } from '../common/time.ts';
import { loadCatalog } from '../server/catalog/load-catalog.ts';
import { repoRoot } from '../server/config/repo-root.ts';
import { historyRange, usualDay } from '../server/forecast/usual-day.ts';
import { modelContext } from '../mock/model/day.ts';
import { afternoonLoad, dayLoadFactor, loadMockCalendar } from '../mock/office-hours.ts';
import { simulateHall } from '../mock/model/hall.ts';
import { simDays } from '../mock/model/sim-days.ts';
import { compactDate, DEFAULT_SEED } from '../mock/timeline.ts';
import { printTable } from './lib/processes.ts';

const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const quick = args.includes('--quick');
const seed = flag('--seed') ?? DEFAULT_SEED;
const toArg = flag('--to');
const lastDay = toArg ? dayIndexOfDate(toArg) : dayIndexOf(Date.now()) - 1;
if (Number.isNaN(lastDay)) throw new Error('--to must be YYYY-MM-DD');
const EVAL_DAYS = quick ? 7 : 28;
const firstDay = lastDay - EVAL_DAYS + 1;
/** Hours with a session in them (08:30-12:00, 14:00-17:30). */
const OFFICE_HOURS = [8, 9, 10, 11, 14, 15, 16, 17];

const catalog = loadCatalog(path.join(repoRoot, 'config/catalog')).catalog;
const city = catalog.centers.find((c) => c.level === 'city')!.code;
const calendar = loadMockCalendar(path.join(repoRoot, 'config/holidays.json'));
const days = simDays(calendar);
const ctx = modelContext(catalog, days, seed);

// 1. The hourly history the hub would hold: every day the model reads for the first evaluated day and after.
const started = performance.now();
const tickets = new Map<number, number[]>();
const cases = new Map<number, number[]>();
const from = historyRange(firstDay).from;
for (let day = from; day <= lastDay; day++) {
  const t = new Array<number>(24).fill(0);
  const c = new Array<number>(24).fill(0);
  if (days.calendar.isWorkday(day)) {
    const events = simulateHall({
      catalog,
      center: city,
      day,
      baseMs: days.baseMs(day),
      seed,
      idBase: `${seed}.${compactDate(day)}.${city}`,
      loadFactor: dayLoadFactor(calendar, day),
      afternoonLoad: afternoonLoad(calendar, day),
      scenarios: {},
    });
    for (const e of events) if (e.event.type === 'ticket.issued') t[shanghaiClock(e.at).hour]! += 1;
    // --quick: tickets only (the cases' plans are half the generation)
    if (!quick)
      for (const e of ctx.planner.eventsOf(city, day, (d) => d === day)) if (e.item.event.type === 'case.accepted') c[shanghaiClock(e.item.at).hour]! += 1;
  }
  tickets.set(day, t);
  cases.set(day, c);
}
const generatedSec = (performance.now() - started) / 1000;

// 2. Forecast each evaluated day from the days before it, and the naive forecast.
interface Score {
  ape: number[];
  naiveApe: number[];
  absErr: number;
  naiveAbsErr: number;
  actual: number;
  zeroHours: number;
  inBand: number;
  hours: number;
}
const newScore = (): Score => ({ ape: [], naiveApe: [], absErr: 0, naiveAbsErr: 0, actual: 0, zeroHours: 0, inBand: 0, hours: 0 });
function evaluate(history: Map<number, number[]>) {
  const all = newScore();
  const byKind = new Map<DayKind, Score>();
  const perDay: Record<string, string | number>[] = [];
  for (let day = firstDay; day <= lastDay; day++) {
    const kind = dayKindOf(calendar, day);
    if (kind === 'closed') continue;
    const f = usualDay({ calendar, day, history: (d) => (d < day ? history.get(d) : undefined) });
    const actual = history.get(day)!;
    const naive = history.get(day - 7)!;
    const k = byKind.get(kind) ?? newScore();
    byKind.set(kind, k);
    const dayApe: number[] = [];
    const dayNaive: number[] = [];
    for (const h of OFFICE_HOURS) {
      const a = actual[h]!;
      for (const s of [all, k]) {
        s.hours++;
        s.actual += a;
        s.absErr += Math.abs(f.expected[h]! - a);
        s.naiveAbsErr += Math.abs(naive[h]! - a);
        if (a >= f.low[h]! && a <= f.high[h]!) s.inBand++;
        if (a === 0) s.zeroHours++;
      }
      if (a === 0) continue;
      const ape = Math.abs(f.expected[h]! - a) / a;
      const nape = Math.abs(naive[h]! - a) / a;
      all.ape.push(ape);
      all.naiveApe.push(nape);
      k.ape.push(ape);
      k.naiveApe.push(nape);
      dayApe.push(ape);
      dayNaive.push(nape);
    }
    perDay.push({
      date: dateOfDayIndex(day),
      kind: `${kind} ${DAY_KIND_LABELS[kind]}`,
      'learned from': `${f.learnedFrom} ×${f.days.length}`,
      actual: actual.reduce((a, b) => a + b, 0),
      expected: Math.round(f.expected.reduce((a, b) => a + b, 0)),
      'MAPE %': pct(mean(dayApe)),
      'naive MAPE %': pct(mean(dayNaive)),
    });
  }
  return { all, byKind, perDay };
}
const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN);
const pct = (x: number) => (Number.isNaN(x) ? '-' : (100 * x).toFixed(1));
const row = (label: string, s: Score) => ({
  days: label,
  'office hours': s.hours,
  'zero hours (left out)': s.zeroHours,
  'MAPE %': pct(mean(s.ape)),
  'naive MAPE %': pct(mean(s.naiveApe)),
  'WAPE %': pct(s.absErr / s.actual),
  'naive WAPE %': pct(s.naiveAbsErr / s.actual),
  'in band %': pct(s.inBand / s.hours),
});

console.log(
  `usual-day back-test: seed ${seed}, ${city} (city center), ${dateOfDayIndex(firstDay)} … ${dateOfDayIndex(lastDay)} (${EVAL_DAYS} days${quick ? ', --quick' : ''}); ` +
    `history from ${dateOfDayIndex(from)}, generated from the mock's model in ${generatedSec.toFixed(1)} s`,
);
for (const [name, history] of [['tickets issued', tickets], ...(quick ? [] : [['cases accepted', cases] as const])] as const) {
  const r = evaluate(history);
  printTable(`${name}, hourly forecast vs actual (goal for tickets: MAPE <= 20 % and below naive)`, [
    row('all working days', r.all),
    ...[...r.byKind].map(([kind, s]) => row(`${kind} ${DAY_KIND_LABELS[kind]}`, s)),
  ]);
  if (name === 'tickets issued') printTable(`${name}, per day`, r.perDay);
}
