/**
 * ECharts options of the cockpit's charts (no tooltips: nothing from the data is ever rendered as
 * HTML; the legends are plain text in the panels). Pure functions of the data.
 */
import type { BarSeriesOption, ComposeOption, GridComponentOption, LineSeriesOption } from '../../../web/charts/echarts.ts';

type Option = ComposeOption<BarSeriesOption | LineSeriesOption | GridComponentOption>;

export const COLORS = {
  today: '#3fd0ff',
  yesterday: '#8fa8c8',
  completed: '#35e08a',
  completedBar: 'rgba(53, 224, 138, 0.55)',
  accepted: '#3fd0ff',
  onTime: '#ffd35a',
  satisfaction: '#ff8a5a',
} as const;

const hours = Array.from({ length: 24 }, (_, h) => `${h}时`);

/** Today's accepted and completed by hour (bars) against yesterday's completed (dashed line). */
export function hourlyOption(
  todayAccepted: readonly (number | null)[],
  todayCompleted: readonly (number | null)[],
  yesterdayCompleted: readonly number[],
): Option {
  return {
    grid: { left: 52, right: 16, top: 20, bottom: 34 },
    xAxis: { type: 'category', data: hours, axisLabel: { fontSize: 16, interval: 2 } },
    yAxis: { type: 'value', minInterval: 1, splitNumber: 4, axisLabel: { fontSize: 16 } },
    series: [
      {
        type: 'bar',
        name: '今日受理',
        data: [...todayAccepted],
        barGap: '10%',
        barWidth: '34%',
        itemStyle: { color: COLORS.accepted, borderRadius: [3, 3, 0, 0] },
      },
      { type: 'bar', name: '今日办结', data: [...todayCompleted], barWidth: '34%', itemStyle: { color: COLORS.completed, borderRadius: [3, 3, 0, 0] } },
      {
        type: 'line',
        name: '昨日办结',
        data: [...yesterdayCompleted],
        showSymbol: false,
        smooth: true,
        lineStyle: { width: 3, type: 'dashed', color: COLORS.yesterday },
      },
    ],
  };
}

/** The last 30 days: completed per day (bars), on-time and satisfaction rates (lines, right axis, %). */
export function thirtyDayOption(
  dates: readonly string[],
  completed: readonly number[],
  onTime: readonly (number | null)[],
  satisfaction: readonly (number | null)[],
): Option {
  const pct = (v: number | null) => (v === null ? null : Math.round(v * 1000) / 10);
  const rates = [...onTime, ...satisfaction].filter((v): v is number => v !== null);
  const low = rates.length ? Math.max(0, Math.floor((Math.min(...rates) * 100) / 5) * 5 - 5) : 80;
  return {
    grid: { left: 52, right: 56, top: 20, bottom: 34 },
    xAxis: { type: 'category', data: dates.map((d) => `${Number(d.slice(5, 7))}/${Number(d.slice(8, 10))}`), axisLabel: { fontSize: 16, interval: 4 } },
    yAxis: [
      { type: 'value', minInterval: 1, splitNumber: 4, axisLabel: { fontSize: 16 } },
      { type: 'value', min: Math.min(low, 90), max: 100, splitNumber: 4, splitLine: { show: false }, axisLabel: { fontSize: 16, formatter: '{value}%' } },
    ],
    series: [
      { type: 'bar', name: '办结', data: [...completed], barWidth: '56%', itemStyle: { color: COLORS.completedBar, borderRadius: [3, 3, 0, 0] } },
      {
        type: 'line',
        name: '按时办结率',
        yAxisIndex: 1,
        data: onTime.map(pct),
        showSymbol: false,
        connectNulls: true,
        lineStyle: { width: 3, color: COLORS.onTime },
      },
      {
        type: 'line',
        name: '满意率',
        yAxisIndex: 1,
        data: satisfaction.map(pct),
        showSymbol: false,
        connectNulls: true,
        lineStyle: { width: 3, color: COLORS.satisfaction },
      },
    ],
  };
}

/** Visits per minute (today) or per hour (a past day) as an area line. */
export function visitsOption(labels: readonly string[], values: readonly number[]): Option {
  return {
    grid: { left: 52, right: 12, top: 12, bottom: 28 },
    xAxis: { type: 'category', boundaryGap: false, data: [...labels], axisLabel: { fontSize: 15, interval: Math.max(0, Math.floor(labels.length / 6) - 1) } },
    yAxis: { type: 'value', minInterval: 1, splitNumber: 3, axisLabel: { fontSize: 15 } },
    series: [
      {
        type: 'line',
        data: [...values],
        showSymbol: false,
        smooth: true,
        lineStyle: { width: 2, color: COLORS.today },
        areaStyle: {
          color: {
            type: 'linear',
            x: 0,
            y: 0,
            x2: 0,
            y2: 1,
            colorStops: [
              { offset: 0, color: 'rgba(63, 208, 255, 0.5)' },
              { offset: 1, color: 'rgba(63, 208, 255, 0)' },
            ],
          },
        },
      },
    ],
  };
}

/** Visits by portal column, as horizontal bars in the column order of the portal. */
export function columnsOption(columns: readonly string[], values: readonly number[]): Option {
  return {
    grid: { left: 8, right: 64, top: 4, bottom: 4, containLabel: true },
    xAxis: { type: 'value', show: false },
    yAxis: { type: 'category', inverse: true, data: [...columns], axisLabel: { fontSize: 15, color: '#eaf3ff' }, axisLine: { show: false } },
    series: [
      {
        type: 'bar',
        data: [...values],
        barWidth: '58%',
        itemStyle: { color: '#4f8cff', borderRadius: [0, 4, 4, 0] },
        label: { show: true, position: 'right', color: '#eaf3ff', fontSize: 15 },
      },
    ],
  };
}
