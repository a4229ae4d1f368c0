import type { CallEntry } from './CallingTicker.vue';

export const callsSample: CallEntry[] = [
  { key: 'A023-1', ticket: 'A023', windowNumber: '5', time: '10:05' },
  { key: 'B112-1', ticket: 'B112', windowNumber: '12', time: '10:04' },
  { key: 'C007-1', ticket: 'C007', windowNumber: '31', time: '10:04' },
];
