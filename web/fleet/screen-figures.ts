/**
 * What a screen measures of itself for its fleet report (docs/screens.md#the-fleet). Everything is
 * read on demand at report time; the frame counter runs only during a short sample before each
 * report, so between reports it costs nothing.
 */

/** `performance.memory` is Chromium's (the screens' browser); elsewhere the heap is unknown. */
interface ChromiumMemory {
  usedJSHeapSize: number;
  jsHeapSizeLimit: number;
}

const MB = 1024 * 1024;

export function heapOf(): { heapMB: number | null; heapLimitMB: number | null } {
  const memory = (performance as Performance & { memory?: ChromiumMemory }).memory;
  if (!memory || !Number.isFinite(memory.usedJSHeapSize)) return { heapMB: null, heapLimitMB: null };
  const round = (b: number) => Math.round((b / MB) * 10) / 10;
  return { heapMB: round(memory.usedJSHeapSize), heapLimitMB: Number.isFinite(memory.jsHeapSizeLimit) ? round(memory.jsHeapSizeLimit) : null };
}

/** Frames per second over `ms`, by counting animation frames (null when the page is hidden: no frames come). */
export function sampleFps(ms: number): Promise<number | null> {
  return new Promise((resolve) => {
    if (typeof requestAnimationFrame !== 'function' || document.visibilityState === 'hidden') return resolve(null);
    let frames = 0;
    let first: number | null = null;
    let last = 0;
    const until = performance.now() + ms;
    const step = (t: number) => {
      if (first === null) first = t;
      else frames++;
      last = t;
      if (t < until) requestAnimationFrame(step);
      else resolve(last > first ? Math.round((frames * 1000 * 10) / (last - first)) / 10 : null);
    };
    requestAnimationFrame(step);
  });
}

/** The design canvas of a DesignCanvas screen (its size before scaling), or null for a page without one. */
export function canvasOf(): { w: number; h: number } | null {
  const el = document.querySelector<HTMLElement>('.yg-canvas');
  return el ? { w: el.offsetWidth, h: el.offsetHeight } : null;
}

/**
 * The build: the hash of the page's entry bundle (`/screens/assets/<name>-<hash>.js`, Vite names
 * it after its content), so two screens with the same value run the same code. `dev` under Vite's
 * dev server.
 */
export function buildOf(): string {
  const src = document.querySelector<HTMLScriptElement>('script[type="module"][src*="/assets/"]')?.src ?? '';
  const m = /\/assets\/([^/?#]+)\.js/.exec(src);
  return (m?.[1] ?? 'dev').slice(0, 64);
}

/** The page as the fleet lists it: path and query, without the screen token. */
export function pageOf(): string {
  const params = new URLSearchParams(location.search);
  params.delete('token');
  const query = params.toString();
  return `${location.pathname}${query ? `?${query}` : ''}`.slice(0, 300);
}
