/**
 * The wall's first screen (GET /api/v1/cockpit/overview), asked for as the page boots, in parallel
 * with the session check, so the first data does not wait for two round trips in a row. Nothing
 * is shown before the session check lets the cockpit open; a refused read (401) is not kept.
 */
import type { CockpitOverview } from '../../../common/cockpit.ts';
import { fetchNotingHubTime } from '../../../web/hub-clock.ts';

let early: { key: string; promise: Promise<CockpitOverview | null> } | null = null;

export function startEarlyOverview(scope: string, date: string | null): void {
  const query = new URLSearchParams({ scope, ...(date ? { date } : {}) });
  early = {
    key: `${scope}|${date ?? ''}`,
    promise: fetchNotingHubTime(`/api/v1/cockpit/overview?${query}`, { cache: 'no-store', credentials: 'same-origin' }).then(
      (r) => (r.ok ? (r.json() as Promise<CockpitOverview>) : null),
      () => null,
    ),
  };
}

/** The early overview once, if it was for this scope and date (`date` null: today). */
export function takeEarlyOverview(scope: string, date: string | null): Promise<CockpitOverview | null> | null {
  const e = early;
  early = null;
  return e && e.key === `${scope}|${date ?? ''}` ? e.promise : null;
}
