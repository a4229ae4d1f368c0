/**
 * What the phone cockpit shows for the view's scope, day and range: the day's snapshot (live over
 * `/live` for today, an HTTP read first) and the period answer of the range (GET
 * /api/v1/cockpit/period: its figures, 环比 and 同比). Read again when the view changes and once a
 * minute; nothing else is fetched until the user scrolls to it (the trend) or taps (drill-down).
 */
import { onScopeDispose, ref, shallowRef, watch, type Ref } from 'vue';
import type { PeriodAnswer } from '../../../common/report.ts';
import type { Snapshot } from '../../../common/snapshot.ts';
import { injectLiveClient } from '../../../web/stores/live-client-key.ts';
import { ApiError, getJson } from '../model/api.ts';
import { takeEarlySnapshot } from '../model/early-snapshot.ts';
import { useCockpitView } from '../stores/cockpit-view.ts';
import { pageReplay } from '../../../web/replay/replay-clock.ts';
import type { RangeKind } from './phone-cards.ts';

const REFRESH_MS = 60_000;

export function usePhoneData(range: Ref<RangeKind>) {
  const view = useCockpitView();
  const live = injectLiveClient();
  const snapshot = shallowRef<Snapshot | null>(null);
  const period = shallowRef<PeriodAnswer | null>(null);
  const error = ref<string | null>(null);
  const unauthorized = ref(false);
  /** The range, scope and date the figures on screen are for ('' while loading). */
  const loadedKey = ref('');

  let generation = 0;
  let unsubscribe: (() => void) | null = null;
  const onError = (err: unknown) => {
    if (err instanceof ApiError && (err.status === 401 || err.status === 403)) unauthorized.value = true;
    error.value = err instanceof Error ? err.message : String(err);
  };

  async function load(gen: number, fresh: boolean): Promise<void> {
    const scope = view.scope;
    const date = view.date;
    const kind = range.value;
    const early = fresh && kind === 'day' ? takeEarlySnapshot(scope, view.isToday ? null : date) : null;
    const [snap, answer] = await Promise.all([
      kind === 'day' ? ((early && (await early)) ?? getJson<Snapshot>('/api/v1/snapshot', { scope, date })) : Promise.resolve(null),
      getJson<PeriodAnswer>('/api/v1/cockpit/period', { scope, date, period: kind }),
    ]);
    if (gen !== generation) return;
    // a live snapshot already on screen is at least as fresh as the HTTP read
    if (!(kind === 'day' && view.isToday && unsubscribe && snapshot.value && !fresh)) snapshot.value = snap;
    period.value = answer;
    error.value = null;
    loadedKey.value = `${kind}|${scope}|${date}`;
    // a replay (?at=): the moment's snapshot from the replay client, not the day's read above
    if (kind === 'day' && pageReplay()) live.resync(scope);
  }

  function reload(): void {
    const gen = ++generation;
    unsubscribe?.();
    unsubscribe = null;
    // the figures on screen stay (dimmed) until the new ones arrive: nothing jumps
    loadedKey.value = '';
    load(gen, true).catch(onError);
    if (range.value === 'day' && view.isToday) {
      unsubscribe = live.subscribe(view.scope, (state) => {
        if (gen === generation && loadedKey.value !== '') snapshot.value = state;
      });
    }
  }

  watch(() => [view.scope, view.date, range.value] as const, reload, { immediate: true });
  const timer = setInterval(() => load(generation, false).catch(onError), REFRESH_MS);
  onScopeDispose(() => {
    clearInterval(timer);
    unsubscribe?.();
  });

  return { snapshot, period, error, unauthorized, loadedKey };
}
