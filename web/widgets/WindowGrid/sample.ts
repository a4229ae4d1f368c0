import type { GridTile } from './WindowGrid.vue';

const statuses = ['serving', 'serving', 'open', 'paused', 'closed'] as const;
export const gridSample: GridTile[] = Array.from({ length: 162 }, (_, i) => ({
  code: `yiyang.w${String(i + 1).padStart(3, '0')}`,
  number: i + 1,
  status: statuses[i % statuses.length]!,
  ticket: i % 5 < 2 ? `B${String(100 + i).slice(-3)}` : null,
  staffName: '苏磊欣',
}));
