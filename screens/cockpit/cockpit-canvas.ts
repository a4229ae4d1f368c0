/** The cockpit's design canvas: 1920x1080, scaled to desk monitors (2560x1440) and walls. */
import type { CanvasSpec } from '../../web/layout/design-canvas.ts';

export type CockpitVariant = 'standard';

export const cockpitCanvas: CanvasSpec<CockpitVariant> = {
  baseWidth: 1920,
  baseHeight: 1080,
  variants: [{ name: 'standard', minAspect: 0 }],
};
