/**
 * Routing and escalation: which routes an alert matches, who is told at each level (level 1: the
 * routes' contacts and the roster's 窗口负责人 on duty; each further level: the roster's people of
 * that level on duty, never someone told before), when the next level is due, and quiet hours.
 */
import type { Alert } from '../../common/alerts.ts';
import type { NotifyConfig, NotifyRoute } from '../../common/notify.ts';
import { contactOf } from '../../common/notify.ts';
import { dutyContacts, withinTimes } from './roster.ts';
import { shanghaiClock } from '../../common/time.ts';

export function matchingRoutes(config: NotifyConfig, a: Alert): NotifyRoute[] {
  return config.routes.filter(
    (r) =>
      (!r.centers || r.centers.includes(a.center)) &&
      (!r.depts || (a.dept !== null && r.depts.includes(a.dept))) &&
      (!r.rules || r.rules.includes(a.rule)) &&
      (!r.severities || r.severities.includes(a.severity)),
  );
}

export interface LevelPlan {
  level: number;
  contacts: string[];
}

/**
 * The first level at or after `from` that has someone new to tell, with those people; null when
 * no level is left. Levels with nobody on duty are passed over.
 */
export function nextLevel(config: NotifyConfig, a: Alert, routes: NotifyRoute[], from: number, told: Set<string>, now: number): LevelPlan | null {
  const last = routes.some((r) => r.escalate) ? config.levels.length : 1;
  for (let level = from; level <= last; level++) {
    const named = level === 1 ? routes.flatMap((r) => r.contacts) : [];
    const contacts = [...new Set([...named, ...dutyContacts(config, a, level, now)])].filter((c) => !told.has(c) && contactOf(config, c) !== null);
    if (contacts.length > 0) return { level, contacts };
  }
  return null;
}

/** Minutes a level waits for an acknowledgement before the next is told; null: the last level. */
export function levelWaitMs(config: NotifyConfig, level: number): number | null {
  if (level >= config.levels.length) return null;
  return Math.round(config.levels[level - 1]!.minutes * 60_000);
}

/** The end of the quiet hours `now` falls in (epoch ms), or null outside them. */
export function quietUntil(config: NotifyConfig, now: number): number | null {
  const q = config.quietHours;
  if (!q) return null;
  const m = shanghaiClock(now).minute; // of the day
  if (!withinTimes(q.from, q.to, m)) return null;
  const end = Number(q.to.slice(0, 2)) * 60 + Number(q.to.slice(3, 5));
  const ahead = (end - m + 24 * 60) % (24 * 60) || 24 * 60;
  return now - (now % 60_000) + ahead * 60_000;
}
