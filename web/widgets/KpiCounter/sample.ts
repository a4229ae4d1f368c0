/** Sample values for building and checking the counter without a hub. */
export const kpiCounterSample = { label: '今日办结', value: 1234, unit: '件' };
