/**
 * The live snapshot of one scope (one store per scope). It starts from the last snapshot kept in
 * localStorage (marked as cached, with its age) so a wall that boots while the hub is down shows
 * something honest, then follows the hub: snapshot, then deltas, applied by the live client.
 */
import { defineStore } from 'pinia';
import { onScopeDispose, ref, shallowRef } from 'vue';
import type { Scope } from '../../common/catalog.ts';
import type { Snapshot } from '../../common/snapshot.ts';
import { screenDebug } from '../debug/screen-debug.ts';
import { readStored, writeStored } from '../util/local-store.ts';
import { injectLiveClient } from './live-client-key.ts';
import { pageReplay } from '../replay/replay-clock.ts';
import { hubNow } from '../hub-clock.ts';

/** How often, at most, the latest snapshot is written to localStorage. */
const PERSIST_EVERY_MS = 10_000;

interface StoredSnapshot {
  savedAt: number;
  snapshot: Snapshot;
}

export function useScopeSnapshotStore(scope: Scope) {
  return defineStore(`snapshot:${scope}`, () => {
    const client = injectLiveClient();
    const storageKey = `yg:snapshot:${scope}`;
    // a replay (?at=, web/replay/) neither shows nor keeps the live snapshot of localStorage
    const replaying = pageReplay() !== null;
    const stored = replaying ? null : readStored<StoredSnapshot>(storageKey);
    const snapshot = shallowRef<Snapshot | null>(stored?.snapshot ?? null);
    /** `cache`: shown from localStorage, not yet confirmed by the hub. */
    const source = ref<'none' | 'cache' | 'live'>(stored ? 'cache' : 'none');
    /** When the shown snapshot arrived (for the cached one: when it was saved). */
    const receivedAt = ref<number | null>(stored?.savedAt ?? null);
    const seq = ref<number | null>(null);
    const refused = ref<string | null>(null);

    let lastPersist = 0;
    let persistTimer: ReturnType<typeof setTimeout> | null = null;
    const persist = () => {
      persistTimer = null;
      // the PC's clock: only the pace of writes, a duration between this page's own instants
      lastPersist = Date.now();
      if (snapshot.value && source.value === 'live' && !replaying)
        writeStored(storageKey, { savedAt: receivedAt.value ?? lastPersist, snapshot: snapshot.value } satisfies StoredSnapshot);
    };

    const debug = screenDebug();
    const unsubscribe = client.subscribe(
      scope,
      (state, info) => {
        snapshot.value = state;
        source.value = 'live';
        // the hub's time: the stale banner shows it as "最后更新 hh:mm:ss" and ages it against the hub's now
        receivedAt.value = hubNow();
        seq.value = info.seq;
        refused.value = null;
        if (info.kind === 'snapshot') debug.snapshots++;
        else debug.deltas++;
        debug.lastSeq = info.seq;
        if (!persistTimer) persistTimer = setTimeout(persist, Math.max(0, lastPersist + PERSIST_EVERY_MS - Date.now()));
      },
      {
        onError: (error) => {
          refused.value = error;
        },
      },
    );

    onScopeDispose(() => {
      unsubscribe();
      if (persistTimer) clearTimeout(persistTimer);
    });

    return { snapshot, source, receivedAt, seq, refused };
  })();
}
