/** The default ECharts option of a small trend line (e.g. waiting people over the last hours). */
import type { ComposeOption, GridComponentOption, LineSeriesOption } from '../../charts/echarts.ts';

export interface TrendPoint {
  at: number;
  value: number;
}

export function trendOption(
  points: readonly TrendPoint[],
  color = '#3fd0ff',
  labelOf: (at: number) => string = String,
): ComposeOption<LineSeriesOption | GridComponentOption> {
  return {
    grid: { left: 56, right: 16, top: 16, bottom: 36 },
    xAxis: { type: 'category', boundaryGap: false, data: points.map((p) => labelOf(p.at)), axisLabel: { fontSize: 18, interval: 'auto' } },
    yAxis: { type: 'value', minInterval: 1, splitNumber: 3, axisLabel: { fontSize: 18 } },
    series: [
      {
        type: 'line',
        data: points.map((p) => p.value),
        showSymbol: false,
        smooth: true,
        lineStyle: { width: 3, color },
        areaStyle: {
          color: {
            type: 'linear',
            x: 0,
            y: 0,
            x2: 0,
            y2: 1,
            colorStops: [
              { offset: 0, color: `${color}88` },
              { offset: 1, color: `${color}00` },
            ],
          },
        },
      },
    ],
  };
}
