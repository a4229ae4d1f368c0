/**
 * A screen's watchdog (docs/screens.md#watchdog): it reloads the page when the JS heap passes its
 * bound (`?maxHeapMB=`, else 80% of the heap limit) or when the live data stalls: connected and
 * subscribed, yet no message for `stallMs` (the hub sends at least a heartbeat every
 * LIVE_REFRESH_MS, 5 s, to a subscribed screen, so a quiet night is not a stall). It reloads
 * only when the hub answers (a reload into a dead hub leaves a browser error page), and at most
 * once per `minGapMs` across reloads, so a page that cannot get well does not reload in a loop.
 */
import type { ScreenReport } from '../../common/fleet.ts';

const LAST_KEY = 'yg-watchdog-at';
const HEAP_SHARE = 0.8;

export interface WatchdogOptions {
  maxHeapMB: number | null;
  stallMs: number;
  /** @default 10 min */
  minGapMs?: number;
}

export interface LinkState {
  connected: boolean;
  /** Client clock (ms) of the current connection's start. */
  connectedSince: number | null;
  lastMessageAt: number | null;
  subscribed: boolean;
}

/** Why the page should reload now, or null (pure: tested without a browser). */
export function watchdogReason(r: Pick<ScreenReport, 'heapMB' | 'heapLimitMB'>, link: LinkState, opts: WatchdogOptions, now: number): 'heap' | 'stall' | null {
  const bound = opts.maxHeapMB ?? (r.heapLimitMB !== null ? r.heapLimitMB * HEAP_SHARE : null);
  if (bound !== null && r.heapMB !== null && r.heapMB > bound) return 'heap';
  if (link.connected && link.subscribed && link.connectedSince !== null) {
    const since = Math.max(link.connectedSince, link.lastMessageAt ?? 0);
    if (now - since > opts.stallMs) return 'stall';
  }
  return null;
}

export function createWatchdog(opts: WatchdogOptions) {
  const minGapMs = opts.minGapMs ?? 10 * 60_000;
  let reloading = false;
  return {
    check(r: ScreenReport, link: LinkState): void {
      if (reloading) return;
      const reason = watchdogReason(r, link, opts, Date.now());
      if (reason === null) return;
      const last = Number(sessionStorage.getItem(LAST_KEY) ?? 0);
      if (Date.now() - last < minGapMs) return;
      reloading = true;
      void (async () => {
        try {
          const res = await fetch(location.href, { method: 'HEAD', cache: 'no-store' });
          if (res.ok) {
            sessionStorage.setItem(LAST_KEY, String(Date.now()));
            console.warn(`watchdog: reloading (${reason})`);
            location.reload();
            return;
          }
        } catch {
          // the hub is away: the next report checks again
        }
        reloading = false;
      })();
    },
  };
}
