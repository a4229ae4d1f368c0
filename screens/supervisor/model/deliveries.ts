/**
 * The delivery log of an alert as the console shows it (zh-CN): one row per delivery, its state in
 * words (已发送 / 失败 / 重试中 / 等待), and the time that matters for that state. Pure, so the
 * wording is tested without a browser.
 */
import type { DeliveryLogEntry, DeliveryState } from '../../../common/notify.ts';
import { formatTime } from './labels.ts';

export type DeliveryStateKey = 'sent' | 'failed' | 'retry' | 'waiting';

export const DELIVERY_STATE_LABEL: Record<DeliveryStateKey, string> = { sent: '已发送', failed: '失败', retry: '重试中', waiting: '等待' };

/** The four duty levels' names (common/notify.ts DUTY_LEVELS, kept here so the bundle needs no zod). */
const LEVEL_NAMES = ['窗口负责人', '科室负责人', '中心效能监察', '分管领导'];

export interface DeliveryRow {
  id: string;
  level: number;
  levelText: string;
  /** Who: the contact's name, or a group's names. */
  who: string;
  /** A group robot or webhook: one message for several people. */
  group: boolean;
  channel: string;
  state: DeliveryStateKey;
  stateText: string;
  attempts: number;
  /** "发送于 09:31:02", "下次 09:32:00", "放弃于 …", "排队于 …". */
  when: string;
  lastError: string | null;
}

export function stateOf(d: Pick<DeliveryState, 'state' | 'attempts'>): DeliveryStateKey {
  if (d.state === 'sent') return 'sent';
  if (d.state === 'gave-up') return 'failed';
  return d.attempts > 0 ? 'retry' : 'waiting';
}

export function deliveryRows(deliveries: DeliveryState[], log: DeliveryLogEntry[]): DeliveryRow[] {
  const lastAt = new Map<string, number>();
  for (const e of log) lastAt.set(e.delivery, e.at);
  return [...deliveries]
    .sort((a, b) => a.level - b.level || a.createdAt - b.createdAt || a.delivery.localeCompare(b.delivery))
    .map((d) => {
      const state = stateOf(d);
      const when =
        state === 'sent' && d.sentAt !== undefined
          ? `发送于 ${formatTime(d.sentAt)}`
          : state === 'failed'
            ? `放弃于 ${formatTime(lastAt.get(d.delivery) ?? d.createdAt)}`
            : d.nextAt !== undefined && d.nextAt > d.createdAt
              ? `${state === 'retry' ? '下次' : '预计'} ${formatTime(d.nextAt)}`
              : `排队于 ${formatTime(d.createdAt)}`;
      return {
        id: d.delivery,
        level: d.level,
        levelText: `第${d.level}级${LEVEL_NAMES[d.level - 1] ? ` · ${LEVEL_NAMES[d.level - 1]}` : ''}`,
        who: d.name || (d.contacts ?? [d.contact]).join('、'),
        group: d.contacts !== undefined,
        channel: d.channel,
        state,
        stateText: DELIVERY_STATE_LABEL[state],
        attempts: d.attempts,
        when,
        lastError: state === 'sent' ? null : (d.lastError ?? null),
      };
    });
}
