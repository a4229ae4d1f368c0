/**
 * `identify`: the screen's id large across the screen for 10 s, so someone in the hall can tell
 * which wall is which. Its own small Vue app on top of the page, so it works on every screen.
 */
import { createApp, type App } from 'vue';
import IdentifyOverlay from './IdentifyOverlay.vue';

export const IDENTIFY_MS = 10_000;

let current: { app: App; el: HTMLElement; timer: ReturnType<typeof setTimeout> } | null = null;

function hide(): void {
  if (!current) return;
  clearTimeout(current.timer);
  current.app.unmount();
  current.el.remove();
  current = null;
}

export function showIdentify(id: string): void {
  hide();
  const el = document.createElement('div');
  document.body.appendChild(el);
  const app = createApp(IdentifyOverlay, { id });
  app.mount(el);
  current = { app, el, timer: setTimeout(hide, IDENTIFY_MS) };
}
