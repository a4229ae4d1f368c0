/** Number, rate and time formatting for the screens (zh-CN, Asia/Shanghai). */
const intFormat = new Intl.NumberFormat('zh-CN', { maximumFractionDigits: 0 });

export function formatInt(n: number | null | undefined): string {
  return n === null || n === undefined || !Number.isFinite(n) ? '—' : intFormat.format(n);
}

/** A rate in [0, 1] as a percentage with one decimal; never rounds 0.9996 up to a false 100.0. */
export function formatRate(rate: number | null | undefined): string {
  if (rate === null || rate === undefined || !Number.isFinite(rate)) return '—';
  const tenths = Math.floor(rate * 1000 + 1e-9) / 10;
  return `${tenths.toFixed(1)}%`;
}

/** Average wait in whole minutes (at least 1 when any wait was measured). */
export function formatMinutes(sec: number | null | undefined): string {
  if (sec === null || sec === undefined || !Number.isFinite(sec)) return '—';
  return String(Math.max(sec > 0 ? 1 : 0, Math.round(sec / 60)));
}

const clockFormat = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});
const dateFormat = new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', year: 'numeric', month: 'long', day: 'numeric' });
const weekdayFormat = new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', weekday: 'long' });

/** hh:mm:ss in Asia/Shanghai, whatever the screen PC's time zone. */
export function formatClock(epochMs: number): string {
  return clockFormat.format(epochMs);
}

/** e.g. 2026年11月27日 */
export function formatDate(epochMs: number): string {
  return dateFormat.format(epochMs);
}

/** e.g. 星期五 */
export function formatWeekday(epochMs: number): string {
  return weekdayFormat.format(epochMs);
}

/** A short zh-CN age: 12秒 / 5分钟 / 3小时 / 2天. */
export function formatAge(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}秒`;
  if (s < 3600) return `${Math.floor(s / 60)}分钟`;
  if (s < 86_400) return `${Math.floor(s / 3600)}小时`;
  return `${Math.floor(s / 86_400)}天`;
}
