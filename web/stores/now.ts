/**
 * A shared once-a-second clock: the screen's clock, freshness ages and timers all read it.
 * `now` is the hub's time (web/hub-clock.ts): what a wall shows as "the time" is the center's, not
 * its player PC's. `local` is this PC's time, for ages between two instants this page took on its
 * own clock (the live client's last message, a disconnect): an offset correction never moves those.
 */
import { defineStore } from 'pinia';
import { onScopeDispose, ref } from 'vue';
import { hubClock } from '../hub-clock.ts';

export const useNowStore = defineStore('now', () => {
  const now = ref(hubClock.now());
  const local = ref(Date.now());
  // One timer for the whole screen, aligned to the hub's second so the clock ticks on the second.
  let timer: ReturnType<typeof setTimeout> | null = null;
  /** The offset `now` was last taken with. */
  let shownOffset = hubClock.offsetMs();
  const tick = () => {
    shownOffset = hubClock.offsetMs();
    now.value = hubClock.now();
    local.value = Date.now();
    timer = setTimeout(tick, 1000 - (now.value % 1000) + 5);
  };
  tick();
  // the first estimate may move the clock by minutes: show it at once, not at the next tick (a
  // refinement by a few ms waits for the tick: the screen is not redrawn for nothing)
  const off = hubClock.onChange((offset) => {
    if (Math.abs(offset - shownOffset) < 1000) return;
    if (timer) clearTimeout(timer);
    tick();
  });
  onScopeDispose(() => {
    off();
    if (timer) clearTimeout(timer);
  });
  return { now, local };
});
