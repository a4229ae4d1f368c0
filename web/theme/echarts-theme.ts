/** The ECharts theme of the dark big screens; registered once in `charts/echarts.ts`. */
export const ECHARTS_THEME_NAME = 'yg-dark';

export const echartsTheme = {
  backgroundColor: 'transparent',
  color: ['#3fd0ff', '#35e08a', '#ffd35a', '#ff8a5a', '#a98bff', '#4f8cff'],
  textStyle: { color: '#eaf3ff', fontFamily: "'Noto Sans CJK SC', 'Microsoft YaHei', sans-serif" },
  title: { textStyle: { color: '#eaf3ff' } },
  legend: { textStyle: { color: '#8fa8c8', fontSize: 18 } },
  categoryAxis: {
    axisLine: { lineStyle: { color: '#2c4a74' } },
    axisTick: { show: false },
    axisLabel: { color: '#8fa8c8', fontSize: 18 },
    splitLine: { show: false },
  },
  valueAxis: {
    axisLine: { show: false },
    axisLabel: { color: '#8fa8c8', fontSize: 18 },
    splitLine: { lineStyle: { color: 'rgba(64, 120, 200, 0.18)' } },
  },
  gauge: { axisLine: { lineStyle: { color: [[1, '#1c3358']] } } },
} as const;
