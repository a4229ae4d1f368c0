/** zh-CN words for the console: threshold names, rules, roles, audit actions. */
import { RULE_LABEL } from '../../supervisor/model/labels.ts';

export const THRESHOLDS = [
  { key: 'caseYellowDays', label: '办件黄牌：剩余工作日', unit: '天' },
  { key: 'ticketWaitMinutes', label: '排队等候超时', unit: '分钟' },
  { key: 'serviceMinutes', label: '办理超时', unit: '分钟' },
  { key: 'windowIdleMinutes', label: '窗口无人值守', unit: '办公分钟' },
  { key: 'badReviewDays', label: '差评整改时限', unit: '工作日' },
  { key: 'sourceSilentMinutes', label: '数据源静默', unit: '办公分钟' },
  { key: 'escalateMinutes', label: '未处置升级', unit: '分钟' },
] as const;
export type ThresholdKey = (typeof THRESHOLDS)[number]['key'];

/**
 * The capacity rule's numbers (增开窗口建议, docs/alerts.md#capacity): optional everywhere (left
 * empty: the wait threshold, 20%), so the defaults have them as overrides do, and its switch.
 */
export const CAPACITY_THRESHOLDS = [
  { key: 'capacityWaitMinutes', label: '增开建议：预计等待', unit: '分钟', fallback: '同排队等候超时' },
  { key: 'capacityHysteresisPercent', label: '增开建议：解除回差', unit: '%', fallback: '20' },
] as const;
export type CapacityKey = (typeof CAPACITY_THRESHOLDS)[number]['key'];
export const CAPACITY_SWITCH_LABEL = '增开窗口建议';

/** The rules' zh-CN names: the supervisor console's, one list for both consoles. */
export const RULE_LABELS: Record<string, string> = RULE_LABEL;

export const ROLE_LABELS: Record<string, string> = { admin: '系统管理员', leader: '领导', supervisor: '效能监察' };

export const ACTION_LABELS: [prefix: string, label: string][] = [
  ['config.', '配置修改'],
  ['user.', '用户管理'],
  ['token.', '令牌管理'],
  ['signin', '登录'],
  ['signout', '退出登录'],
  ['alert.', '预警处置'],
  ['notify.', '通知'],
  ['screen.', '大屏指令'],
];
export const actionLabel = (action: string) => ACTION_LABELS.find(([p]) => action.startsWith(p))?.[1] ?? '其他';

/** Asia/Shanghai date and time to the second, e.g. 2026-11-30 09:12:05. */
export function formatTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(ms));
  const p = (t: string) => parts.find((x) => x.type === t)?.value ?? '';
  return `${p('year')}-${p('month')}-${p('day')} ${p('hour')}:${p('minute')}:${p('second')}`;
}

const PATH_WORDS: Record<string, string> = {
  centers: '中心',
  departments: '部门',
  windows: '窗口',
  items: '事项',
  staff: '人员',
  notices: '公告',
  title: '标题',
  tag: '标签',
  text: '内容',
  code: '编码',
  name: '名称',
  short: '简称',
  level: '级别',
  center: '中心',
  dept: '部门',
  queue: '队列字母',
  number: '窗口号',
  window: '窗口',
  promisedDays: '承诺工作日',
  officeHours: '办公时段',
  defaults: '默认阈值',
  sources: '数据源',
  years: '年份',
  holidays: '放假日期',
  workdays: '调休上班日期',
  coverage: '网点覆盖',
  targets: '考核目标',
  rankings: '排名',
  channels: '通知渠道',
  contacts: '联系人',
  roster: '值班表',
  routes: '通知路由',
  levels: '升级级别',
  quietHours: '免打扰',
  from: '开始',
  to: '结束',
  url: '地址',
  secret: '密钥',
  ...Object.fromEntries(THRESHOLDS.map((t) => [t.key, t.label])),
  ...Object.fromEntries(CAPACITY_THRESHOLDS.map((t) => [t.key, t.label])),
  capacityAlerts: CAPACITY_SWITCH_LABEL,
};

/** A problem's place in words: `departments.3.center` → 部门 › 第 4 条 › 中心. */
export function describePath(path: string): string {
  return path
    .split('.')
    .map((seg) => (/^\d+$/.test(seg) ? `第 ${Number(seg) + 1} 条` : Object.hasOwn(PATH_WORDS, seg) ? PATH_WORDS[seg]! : seg))
    .join(' › ');
}
