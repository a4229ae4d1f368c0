/**
 * Connection and freshness of the live data. The data is stale when the hub connection is down
 * for longer than a short grace, or when no message came for `staleAfterMs` while connected.
 * The client library reconnects and resubscribes on its own; this store only tells the screen.
 */
import { defineStore } from 'pinia';
import { computed, onScopeDispose, ref, shallowRef } from 'vue';
import type { LiveStatus } from '../live/index.ts';
import { injectLiveClient } from './live-client-key.ts';
import { useNowStore } from './now.ts';

/** Default silence after which live data counts as late (`?stale=` seconds overrides). */
export const DEFAULT_STALE_AFTER_MS = 15_000;
/** A reconnect blip shorter than this is not worth a banner. */
const DISCONNECT_GRACE_MS = 3_000;

export const useConnectionStore = defineStore('connection', () => {
  const client = injectLiveClient();
  const clock = useNowStore();
  const status = shallowRef<LiveStatus>(client.status());
  const disconnectedAt = ref<number | null>(status.value.connected ? null : Date.now());
  const staleAfterMs = ref(DEFAULT_STALE_AFTER_MS);

  const off = client.onStatus((s) => {
    if (!s.connected && status.value.connected) disconnectedAt.value = Date.now();
    if (s.connected) disconnectedAt.value = null;
    status.value = s;
  });
  onScopeDispose(off);

  // the PC's clock on both sides: lastMessageAt and disconnectedAt are instants of this page's own clock
  const stale = computed(() => {
    const now = clock.local;
    const s = status.value;
    if (!s.connected) return now - (disconnectedAt.value ?? now) >= DISCONNECT_GRACE_MS;
    if (s.lastMessageAt === null) return false;
    return staleAfterMs.value > 0 && now - s.lastMessageAt >= staleAfterMs.value;
  });

  return { status, stale, staleAfterMs, lastMessageAt: computed(() => status.value.lastMessageAt) };
});
