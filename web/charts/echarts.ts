/**
 * ECharts, tree-shaken: only the charts and components the screens use are bundled (the full
 * build is ~368 KB gzip). Add a chart type here when a widget needs it.
 */
import { BarChart, GaugeChart, LineChart } from 'echarts/charts';
import { GridComponent } from 'echarts/components';
import { registerTheme, use } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import VChart from 'vue-echarts';
import { ECHARTS_THEME_NAME, echartsTheme } from '../theme/echarts-theme.ts';

use([CanvasRenderer, GaugeChart, LineChart, BarChart, GridComponent]);
registerTheme(ECHARTS_THEME_NAME, echartsTheme);

export { VChart, ECHARTS_THEME_NAME };
export type { ComposeOption } from 'echarts/core';
export type { BarSeriesOption, GaugeSeriesOption, LineSeriesOption } from 'echarts/charts';
export type { GridComponentOption } from 'echarts/components';
