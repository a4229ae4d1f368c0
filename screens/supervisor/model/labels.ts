/** zh-CN names of rules, states, steps and close reasons, and the time formats of the console. */
import { ALERT_RULE_NAMES, lastActor, type Alert, type AlertAction, type AlertConflictCode, type AlertState } from '../../../common/alerts.ts';
import { capacityLine } from '../../../common/capacity-text.ts';

export const RULE_LABEL = ALERT_RULE_NAMES;

export const STATE_LABEL: Record<AlertState, string> = { open: '待确认', acknowledged: '已确认', resolved: '已办结', closed: '已自动关闭' };

export const ACTION_LABEL: Record<AlertAction, string> = {
  opened: '产生预警',
  acknowledged: '确认',
  resolved: '办结',
  escalated: '上报',
  overdue: '整改逾期',
  closed: '自动关闭',
};

export const REASON_LABEL: Record<string, string> = {
  'ticket-called': '已叫号',
  'ticket-noshow': '过号未到',
  'ticket-transferred': '已转移队列',
  'service-finished': '办理结束',
  'window-reopened': '窗口恢复服务',
  'source-heard': '数据源恢复',
  'screen-heard': '屏幕恢复上报',
  'case-completed': '已办结',
  'case-returned': '已退件',
  'case-suspended': '暂停计时',
  'deadline-moved': '时限顺延',
  superseded: '已升级为红牌',
  'day-ended': '当日结束',
  expired: '超过180天未处理',
  'queue-drained': '排队已消化',
  'wait-under-threshold': '预计等待已回落',
  'rule-disabled': '规则已停用',
};

/** The badge of an alert: its card colour, or 提示 for a capacity prompt (advice, not a card). */
export const cardLabel = (a: Pick<Alert, 'rule' | 'severity'>): string => (a.rule === 'capacity' ? '提示' : a.severity === 'red' ? '红牌' : '黄牌');

export const LEVEL_LABEL = ['科室', '中心', '市电子监察'];

/** Why an action was refused (409 `code`), with the alert as the hub answered it. */
export const CONFLICT_LABEL: Record<AlertConflictCode, (a: Alert) => string> = {
  'already-acknowledged': (a) => `该预警已由 ${lastActor(a, 'acknowledged') ?? '他人'} 确认`,
  'already-resolved': (a) => `该预警已由 ${lastActor(a, 'resolved') ?? '他人'} 办结`,
  'already-closed': () => '该预警已自动关闭（原因已消除）',
  'level-changed': () => '该预警已被他人上报',
  'top-level': () => '该预警已上报至最高级别',
};

export const AUDIT_LABEL: Record<string, string> = {
  'alert.acknowledged': '确认预警',
  'alert.resolved': '办结预警',
  'alert.escalated': '上报预警',
  signin: '登录',
  'signin.failed': '登录失败',
  'signin.locked': '登录锁定',
  signout: '退出登录',
  'user.created': '新增用户',
  'user.password-set': '重置密码',
  'user.disabled': '停用用户',
  'user.enabled': '启用用户',
  'token.ingest.rotated': '更换接入令牌',
  'token.ingest.revoked': '吊销接入令牌',
  'token.screen.rotated': '更换大屏令牌',
  'token.screen.revoked': '吊销大屏令牌',
  'screen.command': '大屏指令',
  'screen.removed': '移除大屏',
};

const timeFormat = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

/** MM/DD hh:mm:ss in Asia/Shanghai. */
export function formatTime(ms: number): string {
  return timeFormat.format(ms);
}

/** "3 分 12 秒", "2 小时 5 分", "1 天 3 小时". */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s} 秒`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} 分 ${s % 60} 秒`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h} 小时 ${m % 60} 分`;
  return `${Math.floor(h / 24)} 天 ${h % 24} 小时`;
}

/** What the alert is about, in a few words: 案件 / 票号 / 窗口 / 数据源 / 屏幕. */
export function subjectText(a: Alert, windowName: (code: string) => string): string {
  const parts: string[] = [];
  if (a.case) parts.push(`案件 ${a.case}`);
  if (a.ticket) parts.push(`票号 ${a.ticket}`);
  if (a.window) parts.push(windowName(a.window));
  if (a.source) parts.push(`数据源 ${a.source}`);
  if (a.rule === 'screen-offline') parts.push(`屏幕 ${a.subject.replace(/^screen:/, '')}`);
  if (a.score !== undefined) parts.push(`${a.score} 星评价`);
  if (a.rule === 'capacity' && a.capacity) parts.push(capacityLine(a.capacity));
  return parts.join(' · ');
}
