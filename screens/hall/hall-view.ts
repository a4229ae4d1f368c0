/**
 * What the hall shows, derived from the live snapshot and the catalog: the calls with window
 * numbers people read, the window tiles in number order with staff names, the figures.
 */
import { computed, type Ref } from 'vue';
import type { Snapshot } from '../../common/snapshot.ts';
import type { useCatalogStore } from '../../web/stores/catalog.ts';
import type { CallEntry } from '../../web/widgets/CallingTicker/CallingTicker.vue';
import type { GridTile } from '../../web/widgets/WindowGrid/WindowGrid.vue';

/** More calls than any layout shows; the hub sends a short list anyway. */
const MAX_CALLS = 20;

export function useHallView(snapshot: Ref<Snapshot | null>, catalog: ReturnType<typeof useCatalogStore>) {
  const calls = computed<CallEntry[]>(() =>
    (snapshot.value?.calls ?? []).slice(0, MAX_CALLS).map((c) => ({
      key: `${c.ticket}@${c.at}`,
      ticket: c.ticket,
      windowNumber: catalog.windowNumber(c.window),
      time: c.at.slice(11, 16),
    })),
  );

  const tiles = computed<GridTile[]>(() => {
    const windows = snapshot.value?.windows ?? {};
    return Object.entries(windows)
      .map(([code, w]) => ({
        code,
        number: catalog.windows.get(code)?.number ?? Number(code.replace(/^.*\.w/, '')),
        status: w.status,
        ticket: w.ticket,
        staffName: catalog.staffName(w.staff),
      }))
      .sort((a, b) => a.number - b.number);
  });

  return { calls, tiles };
}
