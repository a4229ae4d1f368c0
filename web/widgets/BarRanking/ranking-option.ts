/** The default ECharts option of a horizontal bar ranking (best on top). */
import type { BarSeriesOption, ComposeOption, GridComponentOption } from '../../charts/echarts.ts';

export interface RankingEntry { name: string; value: number }

export function rankingOption(entries: readonly RankingEntry[], color = '#3fd0ff', formatValue: (v: number) => string = String): ComposeOption<BarSeriesOption | GridComponentOption> {
  const sorted = [...entries].sort((a, b) => b.value - a.value);
  return {
    grid: { left: 8, right: 90, top: 8, bottom: 8, containLabel: true },
    xAxis: { type: 'value', show: false },
    yAxis: { type: 'category', inverse: true, data: sorted.map((e) => e.name), axisLabel: { fontSize: 22, color: '#eaf3ff' }, axisLine: { show: false } },
    series: [{
      type: 'bar',
      data: sorted.map((e) => e.value),
      barWidth: '56%',
      itemStyle: { color, borderRadius: [0, 6, 6, 0] },
      label: { show: true, position: 'right', color: '#eaf3ff', fontSize: 22, formatter: (p: { value?: unknown }) => formatValue(Number(p.value)) },
    }],
  };
}
