/**
 * Optional nightly self-reload (`?reload=03:30`, Asia/Shanghai) for walls that want a fresh page
 * every day. The page is served by the hub, so it reloads only when the hub answers: reloading
 * into a dead server would leave the wall on a browser error page until someone walks over.
 */
import { hubClock, hubNow } from '../hub-clock.ts';

const SHANGHAI_OFFSET_MS = 8 * 3600_000;
const DAY_MS = 86_400_000;

/** Milliseconds from `now` until the next hh:mm in Asia/Shanghai (null when malformed). */
export function msUntilShanghaiTime(hhmm: string, now: number): number | null {
  const m = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(hhmm);
  if (!m) return null;
  const target = (Number(m[1]) * 60 + Number(m[2])) * 60_000;
  const msOfDay = (((now + SHANGHAI_OFFSET_MS) % DAY_MS) + DAY_MS) % DAY_MS;
  const wait = (target - msOfDay + DAY_MS) % DAY_MS;
  return wait === 0 ? DAY_MS : wait;
}

export function scheduleNightlyReload(hhmm: string | null): () => void {
  if (!hhmm) return () => undefined;
  // the hour is the hub's (web/hub-clock.ts): walls with wrong clocks still reload at the set time
  const first = msUntilShanghaiTime(hhmm, hubNow());
  if (first === null) return () => undefined;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let waiting = true;
  // the page boots before it hears from the hub: when the estimate moves, wait from the new "now"
  const offClock = hubClock.onChange(() => {
    if (!waiting) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void tryReload(), msUntilShanghaiTime(hhmm, hubNow()) ?? first);
  });
  const tryReload = async () => {
    waiting = false;
    try {
      const res = await fetch(location.href, { method: 'HEAD', cache: 'no-store' });
      if (res.ok) {
        location.reload();
        return;
      }
    } catch {
      // The hub is away: try again in a minute.
    }
    timer = setTimeout(() => void tryReload(), 60_000);
  };
  timer = setTimeout(() => void tryReload(), first);
  return () => {
    offClock();
    if (timer) clearTimeout(timer);
  };
}
