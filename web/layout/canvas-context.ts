/** What a design canvas tells the widgets inside it (the chart pixel ratio, the layout variant). */
import { computed, inject, type ComputedRef, type InjectionKey } from 'vue';

export interface CanvasContext {
  /** Uniform scale from design pixels to CSS pixels (the smaller one in `stretch`). */
  scale: ComputedRef<number>;
  variant: ComputedRef<string>;
}

export const CANVAS_CONTEXT: InjectionKey<CanvasContext> = Symbol('yg-canvas');

/**
 * Device pixels per design pixel: a chart drawn at design size and scaled up by the canvas
 * transform stays crisp when its backing store has this many pixels per design pixel.
 */
export function useChartPixelRatio(): ComputedRef<number> {
  const ctx = inject(CANVAS_CONTEXT, null);
  return computed(() => {
    const dpr = typeof window === 'undefined' ? 1 : window.devicePixelRatio || 1;
    // Rounded to a quarter so small resizes do not re-create the chart.
    return Math.max(1, Math.ceil(dpr * (ctx?.scale.value ?? 1) * 4) / 4);
  });
}
