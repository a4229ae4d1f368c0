/**
 * The hall's own settings (config/hall.json, served by the hub at /api/v1/screens/hall):
 * notices to scroll, and the office hours the voice keeps to (absent until the hub has answered:
 * the voice is silent until then), fetched once at boot and retried until the hub answers.
 */
import { inject, onScopeDispose, shallowRef } from 'vue';
import type { HallConfig, HallOfficePeriod } from '../../common/hall.ts';
import { screenFetch } from '../../web/util/screen-fetch.ts';
import { LIVE_CLIENT } from '../../web/stores/live-client-key.ts';

export function useHallConfig() {
  const config = shallowRef<HallConfig & { officeHours?: HallOfficePeriod[] }>({ notices: [] });
  let timer: ReturnType<typeof setTimeout> | null = null;
  let attempt = 0;
  let disposed = false;
  const load = async () => {
    try {
      const res = await screenFetch('/api/v1/screens/hall', { cache: 'no-store' });
      if (!res.ok) throw new Error(`hall config: HTTP ${res.status}`);
      config.value = (await res.json()) as HallConfig & { officeHours?: HallOfficePeriod[] };
    } catch {
      if (disposed) return;
      attempt++;
      timer = setTimeout(() => void load(), Math.min(60_000, 2000 * 2 ** Math.min(attempt, 5)));
    }
  };
  void load();
  // a PUT of the hall section reaches the wall as `config` on /live: the new notices without a reload
  // (a page without a live client, e.g. the sign-in console, has nothing pushed to it)
  const stopConfig = inject(LIVE_CLIENT, null)?.onConfig((msg) => {
    // `alerts` holds the office hours the voice keeps to (GET /api/v1/screens/hall answers them)
    if (msg.section !== 'hall' && msg.section !== 'alerts') return;
    if (timer) clearTimeout(timer);
    attempt = 0;
    void load();
  });
  onScopeDispose(() => {
    disposed = true;
    stopConfig?.();
    if (timer) clearTimeout(timer);
  });
  return config;
}
