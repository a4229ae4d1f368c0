import type { BoardItem } from './ScrollingBoard.vue';

export const boardSample: BoardItem[] = [
  { tag: '公告', text: '本中心工作时间：周一至周五 上午 9:00-12:00 下午 13:30-17:00' },
  { tag: '收费标准', text: '不动产登记费：住宅类每件 80 元' },
];
