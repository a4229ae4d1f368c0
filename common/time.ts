/**
 * Asia/Shanghai calendar arithmetic without the host time zone: China has used UTC+8 all year
 * since 1991, so a fixed offset is exact and the hub rolls over at local midnight in any TZ.
 */
export const SHANGHAI_OFFSET_MS = 8 * 3600_000;
export const DAY_MS = 86_400_000;

/** Days since 1970-01-01 in Asia/Shanghai. */
export function dayIndexOf(epochMs: number): number {
  return Math.floor((epochMs + SHANGHAI_OFFSET_MS) / DAY_MS);
}

/** `YYYY-MM-DD` of a day index. */
export function dateOfDayIndex(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** Day index of a `YYYY-MM-DD` date (NaN when malformed). */
export function dayIndexOfDate(date: string): number {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return Number.NaN;
  const ms = Date.parse(`${date}T00:00:00Z`);
  return Number.isNaN(ms) || dateOfDayIndex(ms / DAY_MS) !== date ? Number.NaN : ms / DAY_MS;
}

/** `YYYY-MM-DD` in Asia/Shanghai of an instant. */
export function shanghaiDate(epochMs: number): string {
  return dateOfDayIndex(dayIndexOf(epochMs));
}

/** Hour of day (0-23) and minute of day (0-1439) in Asia/Shanghai. */
export function shanghaiClock(epochMs: number): { hour: number; minute: number } {
  const msOfDay = (((epochMs + SHANGHAI_OFFSET_MS) % DAY_MS) + DAY_MS) % DAY_MS;
  const minute = Math.floor(msOfDay / 60_000);
  return { hour: Math.floor(minute / 60), minute };
}

/** Epoch ms of 00:00 Asia/Shanghai on a day index. */
export function startOfDayMs(day: number): number {
  return day * DAY_MS - SHANGHAI_OFFSET_MS;
}

/** Day of week of a day index, 0 = Sunday (1970-01-01 was a Thursday). */
export function weekdayOf(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

/** ISO 8601 with +08:00, as the sources send it. */
export function toShanghaiIso(epochMs: number): string {
  return new Date(epochMs + SHANGHAI_OFFSET_MS).toISOString().replace('Z', '+08:00');
}
