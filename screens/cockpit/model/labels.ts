/** The cockpit's zh-CN names and number formats (code and identifiers stay English). */
import type { Scope } from '../../../common/catalog.ts';
import type { PORTAL_COLUMNS as PortalColumns } from '../../../common/events.ts';

// The portal columns of common/events.ts, repeated here (type-checked against them, and tested
// equal) so the cockpit bundle does not pull in zod with the event schemas.
export const PORTAL_COLUMN_NAMES = [
  '动态信息',
  '公告信息',
  '人事信息',
  '市民留言',
  '市长热线',
  '建言献策',
  '舆情在线',
  '行政效能投诉',
] as const satisfies typeof PortalColumns;

/** Money in yuan as 元 / 万元 / 亿元, with the unit. */
export function formatMoney(yuan: number | null | undefined): string {
  if (yuan === null || yuan === undefined || !Number.isFinite(yuan)) return '—';
  if (Math.abs(yuan) >= 1e8) return `${(yuan / 1e8).toFixed(2)}亿元`;
  if (Math.abs(yuan) >= 1e4) return `${(yuan / 1e4).toFixed(1)}万元`;
  return `${Math.round(yuan)}元`;
}

/** 12秒 / 8.5分钟 for an average wait. */
export function formatWait(sec: number | null | undefined): string {
  if (sec === null || sec === undefined) return '—';
  return sec < 60 ? `${sec}秒` : `${(sec / 60).toFixed(1)}分钟`;
}

export interface ScopeNames {
  centerName(code: string): string | undefined;
  deptName(code: string): string | undefined;
  deptCenter(code: string): string | undefined;
  windowName(code: string): string | undefined;
  windowDept(code: string): string | undefined;
}

export interface Crumb {
  scope: Scope;
  label: string;
}

/** 全市 › 市中心 › 不动产登记中心 › 5号窗口 */
export function breadcrumb(scope: Scope, names: ScopeNames): Crumb[] {
  const crumbs: Crumb[] = [{ scope: 'city', label: '全市' }];
  if (scope === 'city') return crumbs;
  const code = scope.slice(scope.indexOf(':') + 1);
  let center: string | undefined;
  let dept: string | undefined;
  if (scope.startsWith('center:')) center = code;
  if (scope.startsWith('dept:')) {
    dept = code;
    center = names.deptCenter(code);
  }
  if (scope.startsWith('window:')) {
    dept = names.windowDept(code);
    center = dept ? names.deptCenter(dept) : undefined;
  }
  if (center) crumbs.push({ scope: `center:${center}`, label: names.centerName(center) ?? center });
  if (dept) crumbs.push({ scope: `dept:${dept}`, label: names.deptName(dept) ?? dept });
  if (scope.startsWith('window:')) crumbs.push({ scope, label: names.windowName(code) ?? code });
  return crumbs;
}
