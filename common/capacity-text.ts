/**
 * The words of a capacity alert (增开窗口建议, docs/alerts.md#capacity), one place for the
 * supervisor console's card and the notifications: "预计等待 42 分钟，建议增开 2 个窗口".
 */
import type { CapacityDetail } from './alerts.ts';

/** The expected wait in words: minutes, or a queue that only grows (arrivals outrun the open windows). */
export function capacityWaitText(d: Pick<CapacityDetail, 'expectedWaitMinutes'>): string {
  return d.expectedWaitMinutes === null ? '排队持续增长' : `预计等待 ${Math.round(d.expectedWaitMinutes)} 分钟`;
}

/** The advice: how many windows to open, and how many are left to open when that is fewer. */
export function capacityAdviceText(d: Pick<CapacityDetail, 'windowsToOpen' | 'closedWindows'>): string {
  const advice = `建议增开 ${d.windowsToOpen} 个窗口`;
  return d.windowsToOpen > d.closedWindows ? `${advice}（本部门可开窗口仅剩 ${d.closedWindows} 个）` : advice;
}

/** The card's line after the department's name: "预计等待 42 分钟，建议增开 2 个窗口". */
export function capacityLine(d: CapacityDetail): string {
  return `${capacityWaitText(d)}，${capacityAdviceText(d)}`;
}

/** The inputs, for the detail: "等候 35 人 · 在岗窗口 2 个 · 平均办理 8.5 分钟 · 近 30 分钟取号 60 人/小时 · 阈值 30 分钟". */
export function capacityInputsText(d: CapacityDetail): string {
  return `等候 ${d.waiting} 人 · 在岗窗口 ${d.openWindows} 个 · 平均办理 ${d.serviceMinutes} 分钟 · 近 30 分钟取号 ${d.arrivalsPerHour} 人/小时 · 阈值 ${d.thresholdMinutes} 分钟`;
}
