/**
 * The alert-rules preview (docs/admin.md#previewing-alert-rules): a would-be `alerts` section,
 * checked exactly as its PUT would check it, and a day whose events the hub still keeps; the day
 * is replayed through the real alert engine twice (server/alerts/alert-replay.ts), with the
 * proposed section and with the current one. One preview at a time per hub: each replay runs an
 * engine and writes scratch keys, and two at once would only halve each other's speed.
 */
import type { AlertsPreview } from '../../common/alerts-preview.ts';
import { dateOfDayIndex, dayIndexOf, dayIndexOfDate, startOfDayMs } from '../../common/time.ts';
import { buildAlertConfig } from '../alerts/alert-config.ts';
import { readDayEvents, replayAlerts, type ReplayDeps } from '../alerts/alert-replay.ts';
import { InputError, Unavailable } from '../domain-errors.ts';
import type { ConfigStore } from './config-store.ts';
import { checkSection } from './sections.ts';

/** A preview gives up after this long (both replays): 503, and its scratch keys are deleted. */
export const PREVIEW_TIMEOUT_MS = 120_000;

export interface AlertsPreviewDeps extends ReplayDeps {
  store: ConfigStore;
  now: () => number;
  /** How long the event log keeps events (EVENT_LOG_DAYS): the days before are gone. */
  eventLogMs: number;
}

export interface AlertsPreviewer {
  preview(body: { alerts: unknown; date: string }): Promise<AlertsPreview>;
}

/** The days that can be previewed: those the event log still keeps whole, up to today. */
export function previewableDays(now: number, eventLogMs: number): { first: number; last: number } {
  return { first: dayIndexOf(now - eventLogMs) + 1, last: dayIndexOf(now) };
}

export function createAlertsPreviewer(deps: AlertsPreviewDeps): AlertsPreviewer {
  let busy = false;
  return {
    async preview(body) {
      const all = deps.store.all();
      const checked = checkSection('alerts', body.alerts, all);
      if (!checked.ok) {
        const first = checked.issues[0]!;
        throw new InputError(`alerts.${first.path}: ${first.message}`, 'alerts', checked.issues);
      }
      const now = deps.now();
      const day = dayIndexOfDate(body.date);
      const { first, last } = previewableDays(now, deps.eventLogMs);
      const range = `${dateOfDayIndex(first)} to ${dateOfDayIndex(last)}`;
      if (Number.isNaN(day)) throw new InputError(`date ${body.date} is not a calendar date; the days that can be previewed are ${range}`, 'date');
      if (day > last) throw new InputError(`date ${body.date} is in the future; the days that can be previewed are ${range}`, 'date');
      if (day < first) throw new InputError(`the event log no longer keeps ${body.date}; the days that can be previewed are ${range}`, 'date');
      if (busy) throw new Unavailable('another preview is running on this hub; try again in a moment', 5);
      busy = true;
      try {
        const deadline = Date.now() + PREVIEW_TIMEOUT_MS;
        const events = await readDayEvents(deps.redis, deps.keys, day, now);
        const from = startOfDayMs(day);
        const until = Math.min(startOfDayMs(day + 1), now);
        // Capacity prompts follow the queue as sampled by the hub's clock (every capacityEveryMs), not
        // the events alone: a replay's samples fall elsewhere than the live hub's did, so what it
        // raised would not be what the rules raised that day (docs/alerts.md: not in the preview).
        const run = async (config: ReturnType<typeof buildAlertConfig>) =>
          (await replayAlerts(deps, { config, events, from, until, deadline })).filter((a) => a.rule !== 'capacity');
        const alerts = await run(buildAlertConfig(checked.value));
        const current = await run(buildAlertConfig(all.alerts));
        return { date: body.date, alerts, current, events: events.length };
      } finally {
        busy = false;
      }
    },
  };
}
