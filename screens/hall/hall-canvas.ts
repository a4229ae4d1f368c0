/** The hall wall's design canvas: 1920x1080, a wide layout from 2.2:1 (3840x1080, 5760x1080, 1920x540). */
import type { CanvasSpec } from '../../web/layout/design-canvas.ts';

export type HallVariant = 'standard' | 'wide';

export const hallCanvas: CanvasSpec<HallVariant> = {
  baseWidth: 1920,
  baseHeight: 1080,
  variants: [
    { name: 'standard', minAspect: 0 },
    { name: 'wide', minAspect: 2.2 },
  ],
};
