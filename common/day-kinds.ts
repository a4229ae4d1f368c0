/**
 * The kinds of day and their zh-CN names, apart from common/calendar.ts (`dayKindOf`, which says
 * the kind of a day) so that a screen naming a kind does not load the holiday table and zod.
 */
export const DAY_KINDS = ['closed', 'afterHoliday', 'makeup', 'beforeHoliday', 'monthEnd', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday'] as const;
export type DayKind = (typeof DAY_KINDS)[number];

/** zh-CN names of the kinds (screens, docs). */
export const DAY_KIND_LABELS: Record<DayKind, string> = {
  closed: '休息日',
  afterHoliday: '节后首个工作日',
  makeup: '调休工作日',
  beforeHoliday: '节前最后工作日',
  monthEnd: '月末工作日',
  monday: '周一',
  tuesday: '周二',
  wednesday: '周三',
  thursday: '周四',
  friday: '周五',
};
