/** The window LED's design canvas: a 640x160 strip (also 320x64, 4:1 and wider), a panel below 2.5:1. */
import type { CanvasSpec } from '../../web/layout/design-canvas.ts';

export type WindowVariant = 'panel' | 'strip';

export const windowCanvas: CanvasSpec<WindowVariant> = {
  baseWidth: 640,
  baseHeight: 160,
  variants: [
    { name: 'panel', minAspect: 0 },
    { name: 'strip', minAspect: 2.5 },
  ],
};
