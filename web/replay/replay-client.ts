/**
 * A live client for a page opened with `?at=`: it answers each subscription with the snapshot at
 * the replayed time (GET /api/v1/snapshot?scope=…&at=…, the hub's time travel) instead of /live,
 * and again each time the replay moves. Screens and stores use it as the live client, unchanged.
 */
import { watch } from 'vue';
import type { Scope } from '../../common/catalog.ts';
import type { Snapshot } from '../../common/snapshot.ts';
import type { LiveClient, LiveStatus, StateListener } from '../live/index.ts';
import { screenFetch } from '../util/screen-fetch.ts';
import type { ReplayState } from './replay-clock.ts';

interface ReplaySubscription {
  listeners: Set<StateListener>;
  errorHandlers: Set<(error: string) => void>;
  /** A request in flight, and whether the replay moved meanwhile (ask again when it answers). */
  busy: boolean;
  again: boolean;
  seq: number;
}

export function createReplayClient(replay: ReplayState): LiveClient {
  const subs = new Map<Scope, ReplaySubscription>();
  const statusListeners = new Set<(s: LiveStatus) => void>();
  let current: LiveStatus = { connected: false, lastMessageAt: null, lagMs: null, reconnects: 0 };
  const setStatus = (patch: Partial<LiveStatus>) => {
    current = { ...current, ...patch };
    for (const cb of statusListeners) cb(current);
  };

  async function pull(scope: Scope): Promise<void> {
    const sub = subs.get(scope);
    if (!sub) return;
    if (sub.busy) {
      sub.again = true;
      return;
    }
    sub.busy = true;
    sub.again = false;
    const at = replay.at;
    try {
      const res = await screenFetch(`/api/v1/snapshot?scope=${encodeURIComponent(scope)}&at=${at}`, { cache: 'no-store' });
      if (!res.ok) {
        const text = res.status === 401 || res.status === 403 ? 'unauthorized' : `HTTP ${res.status}`;
        for (const h of sub.errorHandlers) h(text);
        setStatus({ connected: res.status < 500 });
      } else {
        const snapshot = (await res.json()) as Snapshot;
        if (subs.get(scope) === sub) {
          sub.seq++;
          for (const l of sub.listeners) l(snapshot, { seq: sub.seq, kind: 'snapshot' });
          setStatus({ connected: true, lastMessageAt: Date.now(), lagMs: 0 });
        }
      }
    } catch {
      setStatus({ connected: false });
      sub.again = true;
      await new Promise((r) => setTimeout(r, 2000));
    } finally {
      sub.busy = false;
    }
    if (sub.again && subs.get(scope) === sub) await pull(scope);
  }

  const stopWatch = watch(
    () => replay.at,
    () => {
      for (const scope of subs.keys()) void pull(scope);
    },
  );

  return {
    subscribe(scope, onState, options) {
      let sub = subs.get(scope);
      if (!sub) {
        sub = { listeners: new Set(), errorHandlers: new Set(), busy: false, again: false, seq: 0 };
        subs.set(scope, sub);
      }
      sub.listeners.add(onState);
      if (options?.onError) sub.errorHandlers.add(options.onError);
      void pull(scope);
      const mine = sub;
      return () => {
        mine.listeners.delete(onState);
        if (options?.onError) mine.errorHandlers.delete(options.onError);
        if (mine.listeners.size === 0 && subs.get(scope) === mine) subs.delete(scope);
      };
    },
    resync: (scope) => void pull(scope),
    status: () => current,
    onStatus(cb) {
      statusListeners.add(cb);
      return () => statusListeners.delete(cb);
    },
    // a replay follows no configuration change and is no screen of the fleet
    onConfig: () => () => undefined,
    fleet: {
      report: async () => ({ ok: false, error: 'replay' }),
      ack: async () => ({ ok: false, error: 'replay' }),
      onCommand: () => () => undefined,
      scopes: () => [...subs.keys()],
    },
    close() {
      stopWatch();
      subs.clear();
    },
  };
}
