/**
 * Design-canvas arithmetic for LED walls of any size (pure, so it is tested without a browser).
 *
 * A screen is designed at a base canvas (e.g. 1920x1080). Fit modes:
 * - `fill` (default): keep the base height (or width, for tall screens) and stretch the other
 *   side of the canvas to the screen's aspect, then scale uniformly. Nothing is distorted and no
 *   band is left empty; the layout variant (standard / wide / ultra-wide strip) follows the
 *   canvas aspect, so a 5760x1080 wall gets a real strip layout, not a tiny 16:9 picture.
 * - `contain`: the base canvas as is, scaled to fit, letterboxed.
 * - `stretch`: the base canvas stretched to the screen (for LED controllers that need it).
 */
export type FitMode = 'fill' | 'contain' | 'stretch';

export interface CanvasVariant<V extends string> {
  name: V;
  /** The variant applies when the canvas aspect (width / height) is at least this. */
  minAspect: number;
}

export interface CanvasSpec<V extends string> {
  baseWidth: number;
  baseHeight: number;
  /** Sorted by `minAspect` ascending; the first must have `minAspect: 0`. */
  variants: CanvasVariant<V>[];
}

export interface CanvasLayout<V extends string> {
  /** Design size in CSS pixels of the canvas. */
  width: number;
  height: number;
  scaleX: number;
  scaleY: number;
  /** Offset of the canvas inside the viewport (letterbox in `contain`). */
  left: number;
  top: number;
  variant: V;
}

export function computeCanvas<V extends string>(spec: CanvasSpec<V>, viewport: { width: number; height: number }, fit: FitMode = 'fill'): CanvasLayout<V> {
  const vw = Math.max(1, viewport.width);
  const vh = Math.max(1, viewport.height);
  const baseAspect = spec.baseWidth / spec.baseHeight;
  const aspect = vw / vh;
  let width = spec.baseWidth;
  let height = spec.baseHeight;
  if (fit === 'fill') {
    if (aspect >= baseAspect) width = Math.round(spec.baseHeight * aspect);
    else height = Math.round(spec.baseWidth / aspect);
  }
  let scaleX = vw / width;
  let scaleY = vh / height;
  let left = 0;
  let top = 0;
  if (fit !== 'stretch') {
    const s = Math.min(scaleX, scaleY);
    scaleX = s;
    scaleY = s;
    left = Math.round((vw - width * s) / 2);
    top = Math.round((vh - height * s) / 2);
  }
  const canvasAspect = width / height;
  let variant = spec.variants[0]!.name;
  for (const v of spec.variants) if (canvasAspect >= v.minAspect) variant = v.name;
  return { width, height, scaleX, scaleY, left, top, variant };
}

export function parseFitMode(raw: string | null): FitMode {
  return raw === 'contain' || raw === 'stretch' ? raw : 'fill';
}

/** A forced screen size from the URL (`?w=5760&h=1080`), or null to follow the window. */
export function parseForcedSize(params: URLSearchParams): { width: number; height: number } | null {
  const w = Number(params.get('w'));
  const h = Number(params.get('h'));
  if (!Number.isFinite(w) || !Number.isFinite(h) || w < 64 || h < 32 || w > 16384 || h > 16384) return null;
  return { width: Math.round(w), height: Math.round(h) };
}
