/**
 * Every figure the cockpit shows, for the view's scope and day. The snapshot is live over `/live`
 * for today (an HTTP read paints it first, so the first screen does not wait for the socket); the
 * history, rankings, comparisons and trends come from the HTTP read API, refreshed when the view
 * changes, once a minute, and when the live snapshot moves (at most every 20 s), never polled fast.
 */
import { defineStore } from 'pinia';
import { computed, onScopeDispose, ref, shallowRef, watch } from 'vue';
import type { Scope } from '../../../common/catalog.ts';
import type { CockpitComparison, CockpitConfig, CockpitRankings, CockpitTrading, DistrictComparison } from '../../../common/cockpit.ts';
import type { ReviewFigures, ReviewFollowUpsAnswer } from '../../../common/reviews.ts';
import type { Snapshot } from '../../../common/snapshot.ts';
import { dateOfDayIndex, dayIndexOfDate } from '../../../common/time.ts';
import { useCatalogStore } from '../../../web/stores/catalog.ts';
import { injectLiveClient } from '../../../web/stores/live-client-key.ts';
import { ApiError, getJson } from '../model/api.ts';
import { takeEarlySnapshot } from '../model/early-snapshot.ts';
import type { Series } from '../../../common/series.ts';
import { useCockpitView } from './cockpit-view.ts';

const SLOW_REFRESH_MS = 60_000;
const LIVE_TRIGGERED_MIN_GAP_MS = 20_000;

export interface CockpitSeries {
  hourAccepted: Series;
  hourCompleted: Series;
  dayCompleted: Series;
  dayAccepted: Series;
  dayOnTime: Series;
  daySatisfaction: Series;
  pv: Series;
}

export const useCockpitData = defineStore('cockpit-data', () => {
  const view = useCockpitView();
  const catalog = useCatalogStore();
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
  const liveSeq = ref<number | null>(null);
  const receivedAt = ref<number | null>(null);
  const error = ref<string | null>(null);
  const unauthorized = ref(false);
  /** Set when the first paint's data (the snapshot) is on screen, and when everything is. */
  const firstDataAt = ref<number | null>(null);
  const complete = ref(false);

  const areaScope = computed<Scope>(() => {
    const s = view.scope;
    if (s === 'city' || s.startsWith('center:')) return s;
    const code = s.slice(s.indexOf(':') + 1);
    const dept = s.startsWith('dept:') ? catalog.departments.get(code) : catalog.departments.get(catalog.windows.get(code)?.dept ?? '');
    return dept ? `center:${dept.center}` : 'city';
  });

  let generation = 0;
  let lastSlowAt = 0;
  const onError = (err: unknown) => {
    if (err instanceof ApiError && (err.status === 401 || err.status === 403)) unauthorized.value = true;
    error.value = err instanceof Error ? err.message : String(err);
  };

  async function loadSnapshot(gen: number): Promise<void> {
    const early = takeEarlySnapshot(view.scope, view.isToday ? null : view.date);
    const snap = (early && (await early)) ?? (await getJson<Snapshot>('/api/v1/snapshot', { scope: view.scope, date: view.date }));
    // a live snapshot that already arrived is at least as fresh
    if (gen === generation && !(liveSeq.value !== null && view.isToday)) {
      snapshot.value = snap;
      receivedAt.value = Date.now();
    }
    firstDataAt.value ??= performance.now();
  }

  async function loadSlow(gen: number): Promise<void> {
    lastSlowAt = Date.now();
    const scope = view.scope;
    const date = view.date;
    const area = areaScope.value;
    const previous = dateOfDayIndex(dayIndexOfDate(date) - 1);
    const s = (metric: string, interval: string, extra: Record<string, string> = {}) =>
      getJson<Series>('/api/v1/series', { metric, scope, interval, to: date, ...extra });
    const [cfg, cmp, rk, dist, tr, areaSnap, rv, ...sr] = await Promise.all([
      config.value ? Promise.resolve(config.value) : getJson<CockpitConfig>('/api/v1/cockpit/config'),
      getJson<CockpitComparison>('/api/v1/cockpit/compare', { scope, date }),
      getJson<CockpitRankings>('/api/v1/cockpit/rankings', { scope, date, limit: '4' }),
      getJson<DistrictComparison>('/api/v1/cockpit/districts', { date }),
      getJson<CockpitTrading>('/api/v1/cockpit/trading', { scope, date }),
      area === scope ? Promise.resolve(null) : getJson<Snapshot>('/api/v1/snapshot', { scope: area, date }),
      // the tile keeps its plain note when the figures cannot be read; the rest of the cockpit does not wait on them
      getJson<ReviewFollowUpsAnswer>('/api/v1/reviews/follow-ups', { scope, date }).then(
        (a) => a.figures,
        () => null,
      ),
      s('cases.accepted', 'hour', { from: previous }),
      s('cases.completed', 'hour', { from: previous }),
      s('cases.completed', 'day'),
      s('cases.accepted', 'day'),
      s('cases.onTimeRate', 'day'),
      s('ratings.satisfactionRate', 'day'),
      getJson<Series>('/api/v1/series', { metric: 'portal.pv', scope: area, interval: view.isToday ? 'minute' : 'hour', from: date, to: date }),
    ]);
    if (gen !== generation) return;
    config.value = cfg;
    comparison.value = cmp;
    rankings.value = rk;
    districts.value = dist;
    trading.value = tr;
    areaSnapshot.value = areaSnap;
    reviews.value = rv;
    const [hourAccepted, hourCompleted, dayCompleted, dayAccepted, dayOnTime, daySatisfaction, pv] = sr as Series[];
    series.value = {
      hourAccepted: hourAccepted!,
      hourCompleted: hourCompleted!,
      dayCompleted: dayCompleted!,
      dayAccepted: dayAccepted!,
      dayOnTime: dayOnTime!,
      daySatisfaction: daySatisfaction!,
      pv: pv!,
    };
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
      receivedAt.value = Date.now();
      firstDataAt.value ??= performance.now();
      if (Date.now() - lastSlowAt >= LIVE_TRIGGERED_MIN_GAP_MS) void loadSlow(gen).catch(onError);
    });
  }

  function reload(): void {
    const gen = ++generation;
    complete.value = false;
    snapshot.value = null;
    areaSnapshot.value = null;
    comparison.value = null;
    rankings.value = null;
    trading.value = null;
    series.value = null;
    follow();
    Promise.all([loadSnapshot(gen), loadSlow(gen)]).then(() => {
      if (gen === generation) complete.value = true;
    }, onError);
  }

  watch(() => [view.scope, view.date] as const, reload, { immediate: true });
  const timer = setInterval(() => {
    if (Date.now() - lastSlowAt < SLOW_REFRESH_MS - 1000) return;
    const gen = generation;
    const tasks = [loadSlow(gen)];
    if (liveSeq.value === null) tasks.push(loadSnapshot(gen)); // past days and a live feed that is away
    Promise.all(tasks).catch(onError);
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
    liveSeq,
    receivedAt,
    error,
    unauthorized,
    firstDataAt,
    complete,
  };
});
