/**
 * A small debug surface on `window.__yg` for the soak benchmark and the browser tests: how many
 * ECharts instances are alive, how many were ever created, and how many live states arrived.
 * Read-only counters; nothing here changes what the screen shows.
 */
export interface ScreenDebug {
  /** ECharts instances alive now (ECharts marks its DOM node while an instance lives). */
  charts(): number;
  chartsCreated: number;
  /** Options handed to a live chart after its first (each a setOption and a redraw). */
  chartUpdates: number;
  /** Live states applied, by kind; snapshots after the first mean a resync or reconnect. */
  snapshots: number;
  deltas: number;
  lastSeq: number | null;
}

declare global {
  interface Window {
    __yg?: ScreenDebug;
  }
}

export function screenDebug(): ScreenDebug {
  if (typeof window === 'undefined') return fallback;
  window.__yg ??= {
    charts: () => document.querySelectorAll('[_echarts_instance_]').length,
    chartsCreated: 0,
    chartUpdates: 0,
    snapshots: 0,
    deltas: 0,
    lastSeq: null,
  };
  return window.__yg;
}

const fallback: ScreenDebug = { charts: () => 0, chartsCreated: 0, chartUpdates: 0, snapshots: 0, deltas: 0, lastSeq: null };
