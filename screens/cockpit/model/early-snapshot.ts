/**
 * The first snapshot, asked for as the page boots, in parallel with the session check, so the
 * first screen of data does not wait for two round trips in a row. The snapshot API is the hub's
 * general read API; nothing is shown before the session check lets the cockpit open.
 */
import type { Snapshot } from '../../../common/snapshot.ts';

let early: { key: string; promise: Promise<Snapshot | null> } | null = null;

export function startEarlySnapshot(scope: string, date: string | null): void {
  const query = new URLSearchParams({ scope, ...(date ? { date } : {}) });
  early = {
    key: `${scope}|${date ?? ''}`,
    promise: fetch(`/api/v1/snapshot?${query}`, { cache: 'no-store' }).then(
      (r) => (r.ok ? (r.json() as Promise<Snapshot>) : null),
      () => null,
    ),
  };
}

/** The early snapshot once, if it was for this scope and date (`date` null: today). */
export function takeEarlySnapshot(scope: string, date: string | null): Promise<Snapshot | null> | null {
  const e = early;
  early = null;
  return e && e.key === `${scope}|${date ?? ''}` ? e.promise : null;
}
