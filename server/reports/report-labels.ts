/**
 * zh-CN names the report files use (the alert rules' names are common/alerts.ts's ALERT_RULE_NAMES):
 * the hub may not import screen code, and a report names things in full.
 */
import type { Report } from '../../common/report.ts';

export const REPORT_TITLES = { daily: '日报', monthly: '月报' } as const;

/** 益阳市政务服务日报（全市）, 赫山区政务服务中心月报, 不动产登记中心日报. */
export function reportTitle(r: Pick<Report, 'kind' | 'scope' | 'scopeName'>): string {
  return r.scope === 'city' ? `${r.scopeName.replace('（全市）', '')}政务服务${REPORT_TITLES[r.kind]}（全市）` : `${r.scopeName}${REPORT_TITLES[r.kind]}`;
}
