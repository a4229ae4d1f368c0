/**
 * The phone cockpit's KPI cards: one figure each, from the day's snapshot (a day: the same numbers
 * as GET /api/v1/snapshot) or from a period's summed figures (GET /api/v1/cockpit/period), with
 * 环比 and 同比 from the period answer's `change`. Pure, so the wording is tested without a browser.
 */
import type { FigureChange, PeriodAnswer, PeriodFigures } from '../../../common/report.ts';
import type { Snapshot } from '../../../common/snapshot.ts';
import { formatInt, formatRate } from '../../../web/util/format.ts';

export type RangeKind = 'day' | 'week' | 'month' | 'quarter' | 'year';

export const RANGES: readonly { kind: RangeKind; label: string }[] = [
  { kind: 'day', label: '日' },
  { kind: 'week', label: '周' },
  { kind: 'month', label: '月' },
  { kind: 'quarter', label: '季' },
  { kind: 'year', label: '年' },
];

export interface CardChange {
  /** 环比 / 同比 */
  label: string;
  text: string;
  direction: 'up' | 'down' | 'flat';
  /** Whether the change is good news (null: neither). */
  good: boolean | null;
}

export interface PhoneCard {
  key: string;
  label: string;
  /** The raw figure (what the tests compare with the API). */
  value: number | null;
  text: string;
  unit: string;
  note: string;
  changes: CardChange[];
}

/** The figures a card reads: those a snapshot and a period's figures both have. */
interface Figures {
  accepted: number;
  completed: number;
  onTimeRate: number | null;
  earlyRate: number | null;
  satisfactionRate: number | null;
  ratings: number;
  bad: number;
  byScore: Record<'1' | '2' | '3' | '4' | '5', number>;
  avgWaitSec: number | null;
  p90WaitSec: number | null;
  avgServiceSec: number | null;
  noShowRate: number | null;
  noShow: number;
  issued: number;
  feeCount: number;
  feeAmount: number;
  tradeCount: number;
  tradeAmount: number;
  /** Waiting now: a snapshot only. */
  waiting: number | null;
}

function fromSnapshot(s: Snapshot): Figures {
  return {
    accepted: s.cases.accepted,
    completed: s.cases.completed,
    onTimeRate: s.cases.onTimeRate,
    earlyRate: s.cases.earlyRate,
    satisfactionRate: s.ratings.satisfactionRate,
    ratings: s.ratings.total,
    bad: s.ratings.bad,
    byScore: s.ratings.byScore,
    avgWaitSec: s.tickets.avgWaitSec,
    p90WaitSec: s.tickets.p90WaitSec,
    avgServiceSec: s.tickets.avgServiceSec,
    noShowRate: s.tickets.noShowRate,
    noShow: s.tickets.noShow,
    issued: s.tickets.issued,
    feeCount: s.fees.count,
    feeAmount: s.fees.amount,
    tradeCount: s.trades.count,
    tradeAmount: s.trades.amount,
    waiting: s.tickets.waiting,
  };
}

function fromPeriod(f: PeriodFigures): Figures {
  return {
    accepted: f.cases.accepted,
    completed: f.cases.completed,
    onTimeRate: f.cases.onTimeRate,
    earlyRate: f.cases.earlyRate,
    satisfactionRate: f.ratings.satisfactionRate,
    ratings: f.ratings.total,
    bad: f.ratings.bad,
    byScore: f.ratings.byScore,
    avgWaitSec: f.tickets.avgWaitSec,
    p90WaitSec: f.tickets.p90WaitSec,
    avgServiceSec: f.tickets.avgServiceSec,
    noShowRate: f.tickets.noShowRate,
    noShow: f.tickets.noShow,
    issued: f.tickets.issued,
    feeCount: f.fees.count,
    feeAmount: f.fees.amount,
    tradeCount: f.trades.count,
    tradeAmount: f.trades.amount,
    waiting: null,
  };
}

/** A duration in seconds as 分 and 秒 (12分30秒, 45秒). */
export function formatDuration(sec: number | null): string {
  if (sec === null || !Number.isFinite(sec)) return '—';
  const s = Math.round(sec);
  const m = Math.floor(s / 60);
  return m === 0 ? `${s}秒` : `${m}分${String(s % 60).padStart(2, '0')}秒`;
}

/** Yuan as 元 below ten thousand, 万元 with two decimals above. */
export function formatYuan(yuan: number): { text: string; unit: string } {
  if (Math.abs(yuan) < 10_000) return { text: formatInt(yuan), unit: '元' };
  return { text: (yuan / 10_000).toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 }), unit: '万元' };
}

const pointsText = (x: number): string => `${(Math.round(Math.abs(x) * 1000) / 10).toFixed(1)}个百分点`;
const percentText = (x: number): string => `${(Math.round(Math.abs(x) * 1000) / 10).toFixed(1)}%`;

/** One side (环比 or 同比) of a figure's change; 无可比数据 when the other period has no value or is zero. */
function changeOf(c: FigureChange | undefined, side: 'mom' | 'yoy', label: string, upIsGood: boolean | null): CardChange {
  const d = c?.[side];
  if (c === undefined || d === null || d === undefined) return { label, text: '无可比数据', direction: 'flat', good: null };
  const flat = Math.abs(d) < 0.0005;
  return {
    label,
    text: flat ? '持平' : c.kind === 'points' ? pointsText(d) : percentText(d),
    direction: flat ? 'flat' : d > 0 ? 'up' : 'down',
    good: flat || upIsGood === null ? null : d > 0 === upIsGood,
  };
}

export interface CardSource {
  /** The day's snapshot (a day) or null (a longer range: the period's figures). */
  snapshot: Snapshot | null;
  period: PeriodAnswer | null;
  /**
   * The range is still going (today, or a week, month … holding today): its counts and amounts
   * are not compared with whole periods (a Monday's week would read −86 %); rates and times are.
   */
  partial: boolean;
}

export function phoneCards(src: CardSource): PhoneCard[] {
  const f = src.snapshot ? fromSnapshot(src.snapshot) : src.period ? fromPeriod(src.period.figures) : null;
  const day = src.period?.period.kind === 'day';
  const momLabel = day ? '较前日' : '环比';
  const yoyLabel = day ? '较去年同日' : '同比';
  /** `counts`: a count or amount, left uncompared while the day is not over. */
  const changes = (key: string, upIsGood: boolean | null, counts = false): CardChange[] => {
    if (!src.period || (counts && src.partial)) return [];
    const c = Object.hasOwn(src.period.change, key) ? src.period.change[key] : undefined;
    return [changeOf(c, 'mom', momLabel, upIsGood), changeOf(c, 'yoy', yoyLabel, upIsGood)];
  };
  const n = (v: number | undefined | null) => (v === undefined ? null : v);
  const fee = formatYuan(f?.feeAmount ?? 0);
  const trade = formatYuan(f?.tradeAmount ?? 0);
  const cards: PhoneCard[] = [
    {
      key: 'accepted',
      label: '办件受理',
      value: n(f?.accepted),
      text: formatInt(f?.accepted),
      unit: '件',
      note: `办结 ${formatInt(f?.completed)} 件`,
      changes: changes('cases.accepted', null, true),
    },
    {
      key: 'completed',
      label: '办件办结',
      value: n(f?.completed),
      text: formatInt(f?.completed),
      unit: '件',
      note: `受理 ${formatInt(f?.accepted)} 件`,
      changes: changes('cases.completed', true, true),
    },
    {
      key: 'ontime',
      label: '按时办结率',
      value: n(f?.onTimeRate),
      text: formatRate(f?.onTimeRate),
      unit: '',
      note: '',
      changes: changes('cases.onTimeRate', true),
    },
    {
      key: 'early',
      label: '提前办结率',
      value: n(f?.earlyRate),
      text: formatRate(f?.earlyRate),
      unit: '',
      note: '',
      changes: changes('cases.earlyRate', true),
    },
    {
      key: 'satisfaction',
      label: '满意率',
      value: n(f?.satisfactionRate),
      text: formatRate(f?.satisfactionRate),
      unit: '',
      note: `共 ${formatInt(f?.ratings)} 次评价 · 差评 ${formatInt(f?.bad)} 条`,
      changes: changes('ratings.satisfactionRate', true),
    },
  ];
  if (src.snapshot) {
    cards.push({
      key: 'waiting',
      label: '当前等候',
      value: n(f?.waiting),
      text: formatInt(f?.waiting),
      unit: '人',
      note: `今日取号 ${formatInt(f?.issued)} 人`,
      changes: [],
    });
  }
  cards.push(
    {
      key: 'avgWait',
      label: '平均等待',
      value: n(f?.avgWaitSec),
      text: formatDuration(n(f?.avgWaitSec)),
      unit: '',
      note: '',
      changes: changes('tickets.avgWaitSec', false),
    },
    {
      key: 'p90Wait',
      label: 'p90 等待',
      value: n(f?.p90WaitSec),
      text: formatDuration(n(f?.p90WaitSec)),
      unit: '',
      note: '九成群众等候不超过此时长',
      changes: changes('tickets.p90WaitSec', false),
    },
    {
      key: 'service',
      label: '平均办理时长',
      value: n(f?.avgServiceSec),
      text: formatDuration(n(f?.avgServiceSec)),
      unit: '',
      note: '',
      changes: changes('tickets.avgServiceSec', null),
    },
    {
      key: 'noShow',
      label: '过号率',
      value: n(f?.noShowRate),
      text: formatRate(f?.noShowRate),
      unit: '',
      note: `过号 ${formatInt(f?.noShow)} 人`,
      changes: changes('tickets.noShowRate', false),
    },
    {
      key: 'fees',
      label: '收费金额',
      value: n(f?.feeAmount),
      text: f ? fee.text : '—',
      unit: f ? fee.unit : '',
      note: `${formatInt(f?.feeCount)} 笔`,
      changes: changes('fees.amount', null, true),
    },
    {
      key: 'trades',
      label: '交易额',
      value: n(f?.tradeAmount),
      text: f ? trade.text : '—',
      unit: f ? trade.unit : '',
      note: `${formatInt(f?.tradeCount)} 宗`,
      changes: changes('trades.amount', null, true),
    },
  );
  return cards;
}

/** The five rating levels, best first, with their counts and shares of all ratings. */
export function ratingLevels(
  src: CardSource,
  levels: readonly { score: number; name: string }[],
): { score: number; name: string; count: number; share: number }[] {
  const byScore = src.snapshot?.ratings.byScore ?? src.period?.figures.ratings.byScore ?? null;
  const at = (score: number) => (byScore ? (byScore[String(score) as '1' | '2' | '3' | '4' | '5'] ?? 0) : 0);
  const total = levels.reduce((sum, l) => sum + at(l.score), 0);
  return levels.map((l) => ({ score: l.score, name: l.name, count: at(l.score), share: total === 0 ? 0 : at(l.score) / total }));
}
