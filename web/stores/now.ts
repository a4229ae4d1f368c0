/** A shared once-a-second clock: the screen's clock, freshness ages and timers all read it. */
import { defineStore } from 'pinia';
import { onScopeDispose, ref } from 'vue';

export const useNowStore = defineStore('now', () => {
  const now = ref(Date.now());
  // One timer for the whole screen, aligned to the second so the clock ticks on the second.
  let timer: ReturnType<typeof setTimeout> | null = null;
  const tick = () => {
    now.value = Date.now();
    timer = setTimeout(tick, 1000 - (now.value % 1000) + 5);
  };
  tick();
  onScopeDispose(() => {
    if (timer) clearTimeout(timer);
  });
  return { now };
});
