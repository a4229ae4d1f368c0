/**
 * What the cockpit looks at: a scope (city → center → department → window) and a day (today or a
 * past date). Kept in the URL (`?scope=&date=`) so a reload, a bookmark or the export shows the
 * same view.
 */
import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import { isWallScope, type Scope } from '../../../common/catalog.ts';
import { shanghaiDate } from '../../../common/time.ts';
import { useNowStore } from '../../../web/stores/now.ts';
import { pageReplay } from '../../../web/replay/replay-clock.ts';
import { hubNow } from '../../../web/hub-clock.ts';

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

export const useCockpitView = defineStore('cockpit-view', () => {
  const params = new URLSearchParams(location.search);
  const clock = useNowStore();
  const rawScope = params.get('scope') ?? 'city';
  // the cockpit drills into places, never into a person (a staff scope has its own API)
  const scope = ref<Scope>(isWallScope(rawScope) ? rawScope : 'city');
  const rawDate = params.get('date');
  /** null: today (live). */
  const pickedDate = ref<string | null>(rawDate && DATE_RE.test(rawDate) && rawDate < shanghaiDate(hubNow()) ? rawDate : null);
  /** Rendering for the PNG/PDF export: no controls, no live connection needed. */
  const exporting = params.get('export') === '1';

  // a replay (?at=) is "today" on its own day: its snapshot follows the replay client like a live one
  const replay = pageReplay();
  const today = computed(() => shanghaiDate(replay ? replay.at : clock.now));
  const date = computed(() => pickedDate.value ?? today.value);
  const isToday = computed(() => pickedDate.value === null || pickedDate.value === today.value);

  function drill(to: Scope): void {
    scope.value = to;
  }
  function pickDate(value: string | null): void {
    pickedDate.value = value && DATE_RE.test(value) && value < today.value ? value : null;
  }

  watch([scope, pickedDate], () => {
    const next = new URLSearchParams(location.search);
    if (scope.value === 'city') next.delete('scope');
    else next.set('scope', scope.value);
    if (pickedDate.value) next.set('date', pickedDate.value);
    else next.delete('date');
    const qs = next.toString();
    history.replaceState(null, '', qs ? `${location.pathname}?${qs}` : location.pathname);
  });

  return { scope, date, isToday, today, exporting, drill, pickDate };
});
