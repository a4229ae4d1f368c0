import type { RankingEntry } from './ranking-option.ts';

export const rankingSample: RankingEntry[] = [
  { name: '不动产登记中心', value: 212 }, { name: '市场监督管理局', value: 168 }, { name: '人力资源和社会保障局', value: 131 },
  { name: '税务局', value: 120 }, { name: '公安局', value: 96 },
];
