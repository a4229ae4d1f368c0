/**
 * The KPI tiles of the cockpit, computed from the snapshot (the value: it must equal
 * GET /api/v1/snapshot), the targets (config/coverage.json) and the day before (the comparison).
 * Pure, so the wording and the arithmetic are tested without a browser.
 */
import type { CockpitComparison, CockpitTargets } from '../../../common/cockpit.ts';
import type { ReviewFigures } from '../../../common/reviews.ts';
import type { Snapshot } from '../../../common/snapshot.ts';
import { formatInt, formatRate } from '../../../web/util/format.ts';

export type TileState = 'ok' | 'warn' | 'bad' | 'none';

export interface TileCompare {
  /** 昨日同时 / 昨日全天 / 较前日 */
  label: string;
  text: string;
  direction: 'up' | 'down' | 'flat';
  /** Whether the change is good news (null: neither). */
  good: boolean | null;
}

export interface KpiTile {
  key: 'accepted' | 'completed' | 'early' | 'ontime' | 'satisfaction' | 'bad' | 'alerts' | 'complaints';
  label: string;
  /** The raw figure from the snapshot (what the tests compare). */
  value: number | null;
  text: string;
  unit: string;
  note: string;
  target: string;
  gap: string;
  state: TileState;
  compare: TileCompare | null;
  extra?: Record<string, number>;
}

const points = (x: number): string => `${(Math.round(x * 1000) / 10).toFixed(1)}个百分点`;

function rateGap(rate: number | null, target: number): { gap: string; state: TileState } {
  if (rate === null) return { gap: '暂无数据', state: 'none' };
  if (rate > target) return { gap: `高于目标 ${points(rate - target)}`, state: 'ok' };
  const behind = target - rate;
  return { gap: behind === 0 ? '恰为目标值' : `低于目标 ${points(behind)}`, state: behind <= 0.01 ? 'warn' : 'bad' };
}

function zeroGap(n: number, unit: string): { gap: string; state: TileState } {
  return n === 0 ? { gap: '达标', state: 'ok' } : { gap: `超出目标 ${formatInt(n)}${unit}`, state: 'bad' };
}

function countCompare(now: number, before: number | null, label: string, upIsGood: boolean | null): TileCompare | null {
  if (before === null) return null;
  const d = now - before;
  return {
    label,
    text: d === 0 ? '持平' : `${formatInt(Math.abs(d))}`,
    direction: d > 0 ? 'up' : d < 0 ? 'down' : 'flat',
    good: d === 0 || upIsGood === null ? null : d > 0 === upIsGood,
  };
}

function rateCompare(now: number | null, before: number | null, label: string): TileCompare | null {
  if (now === null || before === null) return null;
  const d = now - before;
  const flat = Math.abs(d) < 0.0005;
  return { label, text: flat ? '持平' : points(Math.abs(d)), direction: flat ? 'flat' : d > 0 ? 'up' : 'down', good: flat ? null : d > 0 };
}

/**
 * The 差评 tile's note: the day's 整改率 (bad reviews followed up in time / bad reviews) with its
 * two counts, once it is known; short enough for the tile's one line.
 */
export function rectificationNote(reviews: ReviewFigures | null): string {
  if (!reviews || reviews.bad === 0) return '1-2 星评价，须回访';
  return `整改率 ${formatRate(reviews.rectificationRate)}（${formatInt(reviews.inTime)}/${formatInt(reviews.bad)}）`;
}

export function kpiTiles(
  s: Snapshot | null,
  targets: CockpitTargets | null,
  cmp: CockpitComparison | null,
  isToday: boolean,
  reviews: ReviewFigures | null = null,
): KpiTile[] {
  const sameLabel = isToday ? '昨日同时' : '较前日';
  const wholeLabel = isToday ? '昨日全天' : '较前日';
  const same = cmp?.sameTime ?? null;
  const whole = cmp?.wholeDay ?? null;
  const early = s?.cases.earlyRate ?? null;
  const onTime = s?.cases.onTimeRate ?? null;
  const satisfaction = s?.ratings.satisfactionRate ?? null;
  const earlyGap = targets ? rateGap(early, targets.earlyRate) : { gap: '', state: 'none' as const };
  const onTimeGap = targets ? rateGap(onTime, targets.onTimeRate) : { gap: '', state: 'none' as const };
  const satGap = targets ? rateGap(satisfaction, targets.satisfactionRate) : { gap: '', state: 'none' as const };
  const bad = s?.ratings.bad ?? null;
  const complaints = s?.complaints.filed ?? null;
  const alerts = s?.alerts ?? null;
  const pct = (t: number | undefined) => (t === undefined ? '' : `目标 > ${Math.round(t * 100)}%`);

  return [
    {
      key: 'accepted',
      label: isToday ? '今日受理' : '当日受理',
      value: s?.cases.accepted ?? null,
      text: formatInt(s?.cases.accepted),
      unit: '件',
      note: `办理中 ${formatInt(s?.cases.inProgress)} 件`,
      target: '',
      gap: '',
      state: 'none',
      compare: s && same ? countCompare(s.cases.accepted, same.accepted, sameLabel, null) : null,
    },
    {
      key: 'completed',
      label: isToday ? '今日办结' : '当日办结',
      value: s?.cases.completed ?? null,
      text: formatInt(s?.cases.completed),
      unit: '件',
      note: `超期 ${formatInt(s?.cases.overdue)} 件`,
      target: '',
      gap: '',
      state: s && s.cases.overdue > 0 ? 'warn' : 'none',
      compare: s && same ? countCompare(s.cases.completed, same.completed, sameLabel, true) : null,
    },
    {
      key: 'early',
      label: '提前办结率',
      value: early,
      text: formatRate(early),
      unit: '',
      note: `提前办结 ${formatInt(s?.cases.completedEarly)} 件`,
      target: pct(targets?.earlyRate),
      ...earlyGap,
      compare: rateCompare(early, whole?.earlyRate ?? null, wholeLabel),
    },
    {
      key: 'ontime',
      label: '按时办结率',
      value: onTime,
      text: formatRate(onTime),
      unit: '',
      note: `按时办结 ${formatInt(s?.cases.completedOnTime)} 件`,
      target: pct(targets?.onTimeRate),
      ...onTimeGap,
      compare: rateCompare(onTime, whole?.onTimeRate ?? null, wholeLabel),
    },
    {
      key: 'satisfaction',
      label: '满意率',
      value: satisfaction,
      text: formatRate(satisfaction),
      unit: '',
      note: `共 ${formatInt(s?.ratings.total)} 次评价`,
      target: pct(targets?.satisfactionRate),
      ...satGap,
      compare: rateCompare(satisfaction, same?.satisfactionRate ?? null, sameLabel),
      extra: { ratings: s?.ratings.total ?? 0 },
    },
    {
      key: 'bad',
      label: '差评',
      value: bad,
      text: formatInt(bad),
      unit: '条',
      note: rectificationNote(reviews),
      target: '目标 0',
      ...(bad === null ? { gap: '', state: 'none' as const } : zeroGap(bad, '条')),
      compare: bad !== null && same ? countCompare(bad, same.bad, sameLabel, false) : null,
      // 整改率 in thousandths (-1: no bad review), for tests and the export
      ...(reviews ? { extra: { rectification: reviews.rectificationRate === null ? -1 : Math.round(reviews.rectificationRate * 1000) } } : {}),
    },
    isToday
      ? {
          key: 'alerts',
          label: '超时预警',
          value: alerts?.open ?? null,
          text: formatInt(alerts?.open),
          unit: '张',
          note: `黄牌 ${formatInt(alerts?.yellow)} · 红牌 ${formatInt(alerts?.red)} · 今日新增 ${formatInt(alerts?.raised)}`,
          target: '红牌 0',
          ...(alerts === null
            ? { gap: '', state: 'none' as const }
            : alerts.red > 0
              ? { gap: `红牌 ${formatInt(alerts.red)} 张待处理`, state: 'bad' as const }
              : alerts.yellow > 0
                ? { gap: `黄牌 ${formatInt(alerts.yellow)} 张`, state: 'warn' as const }
                : { gap: '无待处理', state: 'ok' as const }),
          compare: null,
          extra: { yellow: alerts?.yellow ?? 0, red: alerts?.red ?? 0 },
        }
      : {
          // a past day: what was raised that day, not what happens to be open now
          key: 'alerts',
          label: '当日预警',
          value: alerts?.raised ?? null,
          text: formatInt(alerts?.raised),
          unit: '张',
          note: `黄牌 ${formatInt(alerts?.raisedYellow)} · 红牌 ${formatInt(alerts?.raisedRed)}`,
          target: '红牌 0',
          ...(alerts === null
            ? { gap: '', state: 'none' as const }
            : alerts.raisedRed > 0
              ? { gap: `当日红牌 ${formatInt(alerts.raisedRed)} 张`, state: 'bad' as const }
              : alerts.raisedYellow > 0
                ? { gap: `当日黄牌 ${formatInt(alerts.raisedYellow)} 张`, state: 'warn' as const }
                : { gap: '当日无预警', state: 'ok' as const }),
          compare: null,
          extra: { yellow: alerts?.raisedYellow ?? 0, red: alerts?.raisedRed ?? 0 },
        },
    {
      key: 'complaints',
      label: '效能投诉',
      value: complaints,
      text: formatInt(complaints),
      unit: '件',
      note: `已办结 ${formatInt(s?.complaints.closed)} 件`,
      target: `有效投诉 ${targets?.upheldComplaints ?? 0}`,
      ...(complaints === null
        ? { gap: '', state: 'none' as const }
        : complaints === 0
          ? { gap: '无投诉', state: 'ok' as const }
          : { gap: `待核实 ${formatInt(Math.max(0, complaints - (s?.complaints.closed ?? 0)))} 件`, state: 'warn' as const }),
      compare: complaints !== null && whole ? countCompare(complaints, whole.complaints, wholeLabel, false) : null,
    },
  ];
}
