/**
 * A trend sampled from a live value at a fixed pace into a bounded buffer (the screen runs for
 * months: the buffer never grows past `max`). A new array is produced on each sample so charts
 * see a new option; nothing is mutated in place.
 */
import { onScopeDispose, shallowRef, type Ref } from 'vue';
import type { TrendPoint } from '../widgets/TrendChart/trend-option.ts';
import { hubNow } from '../hub-clock.ts';

export function useSampledTrend(value: Ref<number | null>, options: { everyMs: number; max: number }): Ref<readonly TrendPoint[]> {
  const points = shallowRef<readonly TrendPoint[]>([]);
  const sample = () => {
    const v = value.value;
    if (v === null) return;
    // the chart's time axis is the hub's time (web/hub-clock.ts), like the wall's clock beside it
    const at = Math.floor(hubNow() / options.everyMs) * options.everyMs;
    const last = points.value[points.value.length - 1];
    const next = last && last.at === at ? [...points.value.slice(0, -1), { at, value: v }] : [...points.value, { at, value: v }];
    points.value = next.length > options.max ? next.slice(next.length - options.max) : next;
  };
  const timer = setInterval(sample, options.everyMs);
  // The first point as soon as there is a value, so the chart is not empty for a minute.
  const first = setInterval(() => {
    if (points.value.length === 0) sample();
    else clearInterval(first);
  }, 1000);
  onScopeDispose(() => {
    clearInterval(timer);
    clearInterval(first);
  });
  return points;
}
