/**
 * Every figure the cockpit shows, for the view's scope and day. The snapshot is live over `/live`
 * for today (an HTTP read paints it first, so the first screen does not wait for the socket); the
 * history, rankings, comparisons and trends come with it in one answer (GET
 * /api/v1/cockpit/overview), read again when the view changes, once a minute, and when the live
 * snapshot moves (at most every 20 s), never polled fast. The answer also carries the hourly
 * chart's usual day and the breadcrumb's names, so the wall's first screen needs no other request
 * (not the catalog, not the forecast).
 */
import { defineStore } from 'pinia';
import { computed, onScopeDispose, ref, shallowRef, watch } from 'vue';
import type { Scope } from '../../../common/catalog.ts';
import type {
  CockpitComparison,
  CockpitConfig,
  CockpitOverview,
  CockpitRankings,
  CockpitSeries,
  CockpitTrading,
  DistrictComparison,
  ScopePath,
} from '../../../common/cockpit.ts';
import type { Forecast } from '../../../common/forecast.ts';
import type { ReviewFigures } from '../../../common/reviews.ts';
import type { Snapshot } from '../../../common/snapshot.ts';
import { injectLiveClient } from '../../../web/stores/live-client-key.ts';
import { hubNow } from '../../../web/hub-clock.ts';
import { ApiError, getJson } from '../model/api.ts';
import { takeEarlyOverview } from '../model/early-overview.ts';
import { useCockpitView } from './cockpit-view.ts';

const SLOW_REFRESH_MS = 60_000;
const LIVE_TRIGGERED_MIN_GAP_MS = 20_000;

export type { CockpitSeries };

export const useCockpitData = defineStore('cockpit-data', () => {
  const view = useCockpitView();
  const live = injectLiveClient();

  const snapshot = shallowRef<Snapshot | null>(null);
  /** The snapshot of the city or center the scope lies in: portal and trading count there. */
  const areaSnapshot = shallowRef<Snapshot | null>(null);
  const config = shallowRef<CockpitConfig | null>(null);
  const comparison = shallowRef<CockpitComparison | null>(null);
  const rankings = shallowRef<CockpitRankings | null>(null);
  const districts = shallowRef<DistrictComparison | null>(null);
  const trading = shallowRef<CockpitTrading | null>(null);
  const series = shallowRef<CockpitSeries | null>(null);
  /** The bad-review follow-ups of the day (整改率 on the 差评 tile). */
  const reviews = shallowRef<ReviewFigures | null>(null);
  /** Today's usual day of cases (常日) under the hourly chart; null for a past day or a scope with no history. */
  const usualDay = shallowRef<Forecast | null>(null);
  /** The names of the center, department and window of the scope the last answer was for. */
  const path = shallowRef<{ scope: Scope; names: ScopePath } | null>(null);
  const liveSeq = ref<number | null>(null);
  const receivedAt = ref<number | null>(null);
  const error = ref<string | null>(null);
  const unauthorized = ref(false);
  /** Set when the first paint's data (the snapshot) is on screen, and when everything is. */
  const firstDataAt = ref<number | null>(null);
  const complete = ref(false);

  /** The overview's area scope; until it arrives, the scope itself when it is the city or a center. */
  const overviewArea = ref<Scope | null>(null);
  const areaScope = computed<Scope>(() => {
    if (overviewArea.value) return overviewArea.value;
    const s = view.scope;
    return s === 'city' || s.startsWith('center:') ? s : 'city';
  });

  let generation = 0;
  let lastSlowAt = 0;
  const onError = (err: unknown) => {
    if (err instanceof ApiError && (err.status === 401 || err.status === 403)) unauthorized.value = true;
    error.value = err instanceof Error ? err.message : String(err);
  };

  /**
   * The whole first screen in one request (GET /api/v1/cockpit/overview): at boot the one the page
   * asked for while the session was checked, later a fresh one. A live snapshot that already
   * arrived is at least as fresh as the one in the answer, so it stays.
   */
  async function load(gen: number, first: boolean): Promise<void> {
    // the PC's clock for lastSlowAt: it only paces the refreshes (durations on this page's own clock)
    lastSlowAt = Date.now();
    const scope = view.scope;
    const date = view.date;
    const early = first ? takeEarlyOverview(scope, view.isToday ? null : date) : null;
    const o = (early && (await early)) ?? (await getJson<CockpitOverview>('/api/v1/cockpit/overview', { scope, date }));
    if (gen !== generation) return;
    if (!(liveSeq.value !== null && view.isToday)) {
      snapshot.value = o.snapshot;
      receivedAt.value = hubNow();
    }
    firstDataAt.value ??= performance.now();
    config.value = o.config;
    comparison.value = o.comparison;
    rankings.value = o.rankings;
    districts.value = o.districts;
    trading.value = o.trading;
    areaSnapshot.value = o.areaSnapshot;
    overviewArea.value = o.areaScope;
    reviews.value = o.reviews;
    series.value = o.series;
    // a usual day learned from nothing (a new hub, a new department) is not drawn as a flat zero
    usualDay.value = o.usualDay && o.usualDay.basis.count > 0 ? o.usualDay : null;
    path.value = { scope: o.scope, names: o.path };
    error.value = null;
  }

  let unsubscribe: (() => void) | null = null;
  function follow(): void {
    unsubscribe?.();
    unsubscribe = null;
    liveSeq.value = null;
    if (!view.isToday || view.exporting) return;
    const gen = generation;
    unsubscribe = live.subscribe(view.scope, (state, info) => {
      if (gen !== generation) return;
      snapshot.value = state;
      liveSeq.value = info.seq;
      receivedAt.value = hubNow();
      firstDataAt.value ??= performance.now();
      if (Date.now() - lastSlowAt >= LIVE_TRIGGERED_MIN_GAP_MS) void load(gen, false).catch(onError);
    });
  }

  function reload(): void {
    const gen = ++generation;
    complete.value = false;
    snapshot.value = null;
    areaSnapshot.value = null;
    overviewArea.value = null;
    comparison.value = null;
    rankings.value = null;
    trading.value = null;
    series.value = null;
    usualDay.value = null;
    follow();
    load(gen, true).then(() => {
      if (gen === generation) complete.value = true;
    }, onError);
  }

  watch(() => [view.scope, view.date] as const, reload, { immediate: true });
  const timer = setInterval(() => {
    if (Date.now() - lastSlowAt < SLOW_REFRESH_MS - 1000) return;
    load(generation, false).catch(onError);
  }, SLOW_REFRESH_MS / 4);
  onScopeDispose(() => {
    clearInterval(timer);
    unsubscribe?.();
  });

  /** Portal and trading figures: the scope itself when it is the city or a center. */
  const portalSnapshot = computed(() => (areaScope.value === view.scope ? snapshot.value : areaSnapshot.value));

  return {
    snapshot,
    portalSnapshot,
    areaScope,
    config,
    comparison,
    rankings,
    districts,
    trading,
    series,
    reviews,
    usualDay,
    path,
    liveSeq,
    receivedAt,
    error,
    unauthorized,
    firstDataAt,
    complete,
  };
});
