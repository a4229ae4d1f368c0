/** The default ECharts option of a rate gauge: a ring from 0 to 100 %, a target tick, no animation. */
import type { ComposeOption, GaugeSeriesOption } from '../../charts/echarts.ts';

export interface GaugeInput {
  /** A rate in [0, 1], or null when there is nothing to rate yet. */
  rate: number | null;
  /** Target rate in [0, 1] (e.g. 0.99), drawn as the colour change of the ring. */
  target?: number;
  color?: string;
}

export function gaugeOption({ rate, target, color = '#35e08a' }: GaugeInput): ComposeOption<GaugeSeriesOption> {
  const value = rate === null ? 0 : Math.round(rate * 1000) / 10;
  const below = '#ffaa33';
  const progressColor = target !== undefined && rate !== null && rate < target ? below : color;
  return {
    series: [
      {
        type: 'gauge',
        startAngle: 220,
        endAngle: -40,
        min: 0,
        max: 100,
        radius: '96%',
        center: ['50%', '56%'],
        animation: false,
        progress: { show: true, width: 18, roundCap: true, itemStyle: { color: progressColor } },
        axisLine: { roundCap: true, lineStyle: { width: 18, color: [[1, 'rgba(40, 80, 140, 0.45)']] } },
        pointer: { show: false },
        axisTick: { show: false },
        splitLine: { show: false },
        axisLabel: { show: false },
        anchor: { show: false },
        title: { show: false },
        detail: { show: false },
        data: [{ value }],
      },
    ],
  };
}
