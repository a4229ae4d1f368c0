/**
 * The usual day of a scope for today, fetched while `active` (today, a signed-in leader) and again
 * every 15 minutes: it changes only when the day does, but a cockpit stays open for days.
 */
import { onScopeDispose, shallowRef, watch, type ShallowRef } from 'vue';
import type { Forecast, ForecastMetric } from '../../../common/forecast.ts';
import { getJson } from './api.ts';

const REFRESH_MS = 15 * 60_000;

export function useUsualDay(query: () => { scope: string; date: string; active: boolean }, metric: ForecastMetric = 'cases'): ShallowRef<Forecast | null> {
  const forecast = shallowRef<Forecast | null>(null);
  let timer: ReturnType<typeof setInterval> | null = null;
  const load = async (scope: string, date: string) => {
    try {
      const f = await getJson<Forecast>('/api/v1/forecast', { scope, date, metric });
      const now = query();
      // a usual day learned from nothing (a new hub, a new department) is not drawn as a flat zero
      if (now.scope === scope && now.date === date && now.active) forecast.value = f.basis.count > 0 ? f : null;
    } catch {
      // no forecast is no overlay: the chart stands without it
      forecast.value = null;
    }
  };
  watch(
    () => {
      const q = query();
      return [q.scope, q.date, q.active] as const;
    },
    ([scope, date, active]) => {
      if (timer) clearInterval(timer);
      timer = null;
      forecast.value = null;
      if (!active) return;
      void load(scope, date);
      timer = setInterval(() => void load(scope, date), REFRESH_MS);
    },
    { immediate: true },
  );
  onScopeDispose(() => {
    if (timer) clearInterval(timer);
  });
  return forecast;
}
