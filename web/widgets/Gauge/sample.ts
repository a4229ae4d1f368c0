export const gaugeSample = { label: '按时办结率', rate: 0.995, target: 0.99 };
