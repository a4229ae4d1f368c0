/**
 * Alert thresholds from config/alerts.json (ALERTS_FILE): defaults, per-department and
 * per-source overrides, and the office hours. Checked once at start against the catalog.
 */
import fs from 'node:fs';
import { z } from 'zod';
import type { ConfigIssue } from '../../common/config-sections.ts';
import type { CatalogIndex } from '../catalog/load-catalog.ts';
import { ConfigError } from '../config/env.ts';

const minutes = z
  .number()
  .positive('must be more than 0')
  .max(7 * 24 * 60);
const thresholdsSchema = z.object({
  /** Yellow card when this many working days or fewer are left until the case's deadline (0: no yellow card). */
  caseYellowDays: z.number().int().min(0).max(60),
  ticketWaitMinutes: minutes,
  serviceMinutes: minutes,
  windowIdleMinutes: minutes,
  /** A bad review's follow-up (差评整改) is due this many working days after the review. */
  badReviewDays: z.number().int().min(0).max(60),
  sourceSilentMinutes: minutes,
  /** An alert not acknowledged in this time goes one level up. */
  escalateMinutes: minutes,
  /** The capacity rule (增开窗口建议, docs/alerts.md#capacity): on unless false. Optional: sections stored before it stay valid. */
  capacityAlerts: z.boolean().optional(),
  /** The expected wait that raises it; absent: the department's `ticketWaitMinutes`. */
  capacityWaitMinutes: minutes.optional(),
  /** It clears when the expected wait falls this many percent under the threshold (or nobody waits); absent: 20. */
  capacityHysteresisPercent: z.number().min(0).max(90).optional(),
});
export type Thresholds = z.infer<typeof thresholdsSchema>;

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM');
const fileSchema = z.object({
  /** A note for whoever edits the file; kept through the config API and export. */
  _comment: z.string().optional(),
  officeHours: z.array(z.object({ from: hhmm, to: hhmm })).min(1),
  defaults: thresholdsSchema,
  departments: z.record(z.string(), thresholdsSchema.partial()).default({}),
  sources: z.record(z.string(), z.object({ sourceSilentMinutes: minutes })).default({}),
});

/** The `alerts` configuration section (docs/admin.md): config/alerts.json's shape. */
export const alertsSectionSchema = fileSchema.superRefine((cfg, ctx) => {
  cfg.officeHours.forEach((p, i) => {
    if (minuteOfDay(p.to) <= minuteOfDay(p.from)) ctx.addIssue({ code: 'custom', path: ['officeHours', i, 'to'], message: 'must be after from' });
  });
});
export type AlertsSection = z.infer<typeof fileSchema>;

/** The departments the section names that the catalog does not have (a cross-check of a PUT). */
export function alertsCatalogIssues(cfg: AlertsSection, departments: { has(code: string): boolean }): ConfigIssue[] {
  return Object.keys(cfg.departments)
    .filter((dept) => !departments.has(dept))
    .map((dept) => ({ path: `departments.${dept}`, message: `department "${dept}" is not in the catalog` }));
}

/** An office period as minutes of the day, [from, to). */
export interface OfficePeriod {
  from: number;
  to: number;
}

/** The capacity rule's settings of a department, defaults applied. */
export interface CapacitySettings {
  enabled: boolean;
  waitMinutes: number;
  /** A fraction in [0, 0.9]: it clears under waitMinutes × (1 − hysteresis). */
  hysteresis: number;
}

export const DEFAULT_CAPACITY_HYSTERESIS_PERCENT = 20;

export function capacitySettings(t: Thresholds): CapacitySettings {
  return {
    enabled: t.capacityAlerts !== false,
    waitMinutes: t.capacityWaitMinutes ?? t.ticketWaitMinutes,
    hysteresis: (t.capacityHysteresisPercent ?? DEFAULT_CAPACITY_HYSTERESIS_PERCENT) / 100,
  };
}

export interface AlertConfig {
  officeHours: OfficePeriod[];
  thresholdsFor(dept: string | null | undefined): Thresholds;
  silenceMinutesOf(source: string): number;
}

const minuteOfDay = (s: string) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3, 5));

export function parseAlertConfig(raw: unknown, catalog: CatalogIndex, origin = 'alert config'): AlertConfig {
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`${origin} at ${issue.path.join('.') || '(top)'}: ${issue.message}`);
  }
  const cfg = parsed.data;
  for (const dept of Object.keys(cfg.departments)) {
    if (!catalog.departments.has(dept))
      throw new ConfigError(`${origin}: departments names "${dept}", which is not in the catalog; use a department code such as yiyang.realestate`);
  }
  for (const p of cfg.officeHours)
    if (minuteOfDay(p.to) <= minuteOfDay(p.from))
      throw new ConfigError(`${origin}: an office period ends before it starts; write it as {"from": "08:30", "to": "12:00"}`);
  return buildAlertConfig(cfg);
}

/** The rules' view of a checked section. */
export function buildAlertConfig(cfg: AlertsSection): AlertConfig {
  const officeHours = cfg.officeHours.map((p) => ({ from: minuteOfDay(p.from), to: minuteOfDay(p.to) })).sort((a, b) => a.from - b.from);
  const cache = new Map<string, Thresholds>();
  return {
    officeHours,
    thresholdsFor(dept) {
      if (!dept) return cfg.defaults;
      let t = cache.get(dept);
      // own keys only: a department code comes from an event
      if (!t) cache.set(dept, (t = { ...cfg.defaults, ...(Object.hasOwn(cfg.departments, dept) ? cfg.departments[dept] : {}) }));
      return t;
    },
    silenceMinutesOf: (source) => (Object.hasOwn(cfg.sources, source) ? cfg.sources[source]!.sourceSilentMinutes : cfg.defaults.sourceSilentMinutes),
  };
}

/** An alert config that always answers the current section (a PUT applies at the engine's next use). */
export function liveAlertConfig(current: () => AlertConfig): AlertConfig {
  return {
    get officeHours() {
      return current().officeHours;
    },
    thresholdsFor: (dept) => current().thresholdsFor(dept),
    silenceMinutesOf: (source) => current().silenceMinutesOf(source),
  };
}

export function loadAlertConfig(file: string, catalog: CatalogIndex): AlertConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(`ALERTS_FILE ${file} cannot be read: ${(err as Error).message}`);
  }
  return parseAlertConfig(raw, catalog, `ALERTS_FILE ${file}`);
}
