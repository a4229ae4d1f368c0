/**
 * What a notification says: one zh-CN line a person can act on, with the catalog's names, and a
 * deep link to the alert in the supervisor console. The webhook sends this object as its JSON
 * body; the robots, SMS and email say the same in their own formats (channels/).
 */
import { alertRuleShortName, type Alert, type AlertRule } from '../../common/alerts.ts';
import type { CatalogIndex } from '../catalog/load-catalog.ts';
import { capacityLine } from '../../common/capacity-text.ts';

export interface NotifyMessage {
  alertId: string;
  rule: AlertRule;
  severity: 'yellow' | 'red';
  /** The notification level, 1 窗口负责人 … 4 分管领导. */
  level: number;
  levelName: string;
  center: string;
  dept: string | null;
  window: string | null;
  subject: string;
  text: string;
  link: string;
  openedAt: number;
  /** A batched yellow message: every alert it covers (alertId is the first). */
  alerts?: string[];
  /** A "send test" from the console. */
  test?: boolean;
  /** A scheduled report's message (server/reports/report-send.ts): the kept report's id; no alert. */
  report?: string;
}

/** The words of a message's link, and its level line (a report's message has no level). */
export const linkLabelOf = (m: NotifyMessage): string => (m.report ? '查看报表' : '打开预警');
export const levelLineOf = (m: NotifyMessage): string => (m.report ? '' : `级别：${m.levelName}`);

const minutesBetween = (from: number, to: number) => Math.max(0, Math.round((to - from) / 60_000));

/** What happened, in words: the middle of the line. */
function whatHappened(a: Alert): string {
  switch (a.rule) {
    case 'case-red':
      return `办件 ${a.case ?? ''} 已超过承诺办结时限`;
    case 'case-yellow':
      return `办件 ${a.case ?? ''} 临近承诺办结时限`;
    case 'wait':
      return `号票 ${a.ticket ?? ''} 已等候 ${minutesBetween(a.since, a.openedAt)} 分钟未叫号`;
    case 'service':
      return `一笔业务已办理 ${minutesBetween(a.since, a.openedAt)} 分钟未结束`;
    case 'window':
      return '窗口暂停或关闭，仍有群众等候';
    case 'review':
      return a.severity === 'red' ? `${a.score ?? ''} 星差评整改已逾期` : `收到 ${a.score ?? ''} 星差评，请及时回访整改`;
    case 'source':
      return `数据源 ${a.source ?? ''} 已停止上报`;
    case 'screen-offline':
      return `屏幕 ${a.subject.replace(/^screen:/, '')} 已超过 5 分钟未上报，请检查播放电脑`;
    case 'capacity':
      return a.capacity ? capacityLine(a.capacity) : '排队等候时间将超过阈值，建议增开窗口';
  }
}

export function placeOf(a: Pick<Alert, 'center' | 'dept' | 'window'>, catalog: CatalogIndex): string {
  const center = catalog.catalog.centers.find((c) => c.code === a.center)?.name ?? a.center;
  const dept = a.dept ? (catalog.departments.get(a.dept)?.name ?? a.dept) : '';
  const win = a.window ? (catalog.windows.get(a.window)?.name ?? a.window) : '';
  return [center, dept, win].filter(Boolean).join(' ');
}

export function alertLink(publicUrl: string, alertId: string): string {
  return `${publicUrl.replace(/\/$/, '')}/screens/supervisor?alert=${encodeURIComponent(alertId)}`;
}

export function messageOf(a: Alert, level: number, levelName: string, catalog: CatalogIndex, publicUrl: string): NotifyMessage {
  // a capacity prompt is advice, not a card
  const card = a.rule === 'capacity' ? '提示' : a.severity === 'red' ? '红牌' : '黄牌';
  const place = placeOf(a, catalog);
  const raised = level > 1 ? `（超时未确认，已升级至${levelName}）` : '';
  return {
    alertId: a.id,
    rule: a.rule,
    severity: a.severity,
    level,
    levelName,
    center: a.center,
    dept: a.dept ?? null,
    window: a.window ?? null,
    subject: `【阳光政务】${card}预警 · ${alertRuleShortName(a.rule)} · ${place}`,
    text: `【${card}·${alertRuleShortName(a.rule)}】${place}：${whatHappened(a)}${raised}，请尽快处理并在督办台确认。`,
    link: alertLink(publicUrl, a.id),
    openedAt: a.openedAt,
  };
}

/** Yellow cards of one department to one person within a minute: one message. */
export function batchMessage(messages: NotifyMessage[], catalog: CatalogIndex, publicUrl: string): NotifyMessage {
  const first = messages[0]!;
  if (messages.length === 1) return first;
  const place = placeOf({ center: first.center, dept: first.dept, window: null }, catalog);
  const rules = [...new Set(messages.map((m) => alertRuleShortName(m.rule)))].join('、');
  return {
    ...first,
    window: null,
    alerts: messages.map((m) => m.alertId),
    subject: `【阳光政务】黄牌预警 ${messages.length} 张 · ${place}`,
    text: `【黄牌×${messages.length}】${place}：1 分钟内新增 ${messages.length} 张黄牌（${rules}），请到督办台逐一确认。`,
    link: `${publicUrl.replace(/\/$/, '')}/screens/supervisor?dept=${encodeURIComponent(first.dept ?? '')}`,
  };
}

export function testMessage(channelId: string, publicUrl: string): NotifyMessage {
  return {
    alertId: 'test',
    rule: 'wait',
    severity: 'yellow',
    level: 1,
    levelName: '测试',
    center: '',
    dept: null,
    window: null,
    subject: '【阳光政务】测试消息',
    text: `【测试】这是通道 ${channelId} 的测试消息，收到即表示配置正确，无需处理。`,
    link: `${publicUrl.replace(/\/$/, '')}/screens/supervisor`,
    openedAt: 0,
    test: true,
  };
}
