/**
 * Named situations to switch on (`--scenario a,b`): how alerts and screens get tested. Each has a
 * fixed target at the city center and starts at the scenario start (10:00 in a replay, a minute
 * after the start in live mode).
 */
import type { PORTAL_COLUMNS } from '../common/events.ts';
import type { SourceName } from './timeline.ts';

export const SCENARIOS = {
  'queue-surge': 'about 100 extra citizens at 人社 (yiyang.hrss, queue D) within 45 min: waits over 30 min',
  'overdue-case': '3 cases at 不动产 past their due date and still open (red card), 2 due today (yellow card)',
  'unattended-window': 'window yiyang.w063 (出入境) paused for 90 min in office hours while its queue waits',
  'bad-reviews': '6 one- and two-star ratings in a row at window yiyang.w067 (车管所)',
  'silent-device': 'the rating devices go offline for 45 min, then send what they buffered',
  'portal-spike': 'a recruitment notice: 人事信息 traffic x6 for 30 min',
} as const;
export type ScenarioName = keyof typeof SCENARIOS;
export const SCENARIO_NAMES = Object.keys(SCENARIOS) as ScenarioName[];

export class UnknownScenarioError extends Error {
  override name = 'UnknownScenarioError';
  constructor(name: string) {
    super(`unknown scenario "${name}"; choose from: ${SCENARIO_NAMES.join(', ')}`);
  }
}

export function parseScenarios(list: string | undefined): ScenarioName[] {
  if (!list) return [];
  return list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      if (!(s in SCENARIOS)) throw new UnknownScenarioError(s);
      return s as ScenarioName;
    });
}

const MIN = 60_000;

/** The scenarios of one simulated day, with absolute times (epoch ms). */
export interface DayScenarios {
  surge?: { dept: string; fromMs: number; toMs: number; extraPerWindow: number };
  outage?: { window: string; fromMs: number; toMs: number };
  badReviews?: { window: string; fromMs: number; count: number };
  silence?: { source: SourceName; fromMs: number; toMs: number };
  portalSpike?: { column: (typeof PORTAL_COLUMNS)[number]; fromMs: number; toMs: number; factor: number };
  overdue?: { dept: string; item: string; red: number; yellow: number };
}

export function resolveScenarios(names: readonly ScenarioName[], startMs: number): DayScenarios {
  const s: DayScenarios = {};
  for (const name of names) {
    switch (name) {
      case 'queue-surge':
        s.surge = { dept: 'yiyang.hrss', fromMs: startMs, toMs: startMs + 45 * MIN, extraPerWindow: 10 };
        break;
      case 'overdue-case':
        s.overdue = { dept: 'yiyang.realestate', item: 'yiyang.realestate.mortgage', red: 3, yellow: 2 };
        break;
      case 'unattended-window':
        s.outage = { window: 'yiyang.w063', fromMs: startMs, toMs: startMs + 90 * MIN };
        break;
      case 'bad-reviews':
        s.badReviews = { window: 'yiyang.w067', fromMs: startMs, count: 6 };
        break;
      case 'silent-device':
        s.silence = { source: 'rating', fromMs: startMs, toMs: startMs + 45 * MIN };
        break;
      case 'portal-spike':
        s.portalSpike = { column: '人事信息', fromMs: startMs, toMs: startMs + 30 * MIN, factor: 6 };
        break;
    }
  }
  return s;
}
