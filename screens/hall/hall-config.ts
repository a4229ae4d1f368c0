/**
 * The hall's own settings (config/hall.json, served by the hub at /api/v1/screens/hall):
 * notices to scroll, fetched once at boot and retried until the hub answers.
 */
import { onScopeDispose, shallowRef } from 'vue';
import type { HallConfig } from '../../common/hall.ts';
import { screenFetch } from '../../web/util/screen-fetch.ts';

export function useHallConfig() {
  const config = shallowRef<HallConfig>({ notices: [] });
  let timer: ReturnType<typeof setTimeout> | null = null;
  let attempt = 0;
  let disposed = false;
  const load = async () => {
    try {
      const res = await screenFetch('/api/v1/screens/hall', { cache: 'no-store' });
      if (!res.ok) throw new Error(`hall config: HTTP ${res.status}`);
      config.value = (await res.json()) as HallConfig;
    } catch {
      if (disposed) return;
      attempt++;
      timer = setTimeout(() => void load(), Math.min(60_000, 2000 * 2 ** Math.min(attempt, 5)));
    }
  };
  void load();
  onScopeDispose(() => {
    disposed = true;
    if (timer) clearTimeout(timer);
  });
  return config;
}
