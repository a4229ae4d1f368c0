/**
 * The query and path parameters of the HTTP API, as zod schemas: the hub parses every request
 * with them (server/http/parse-request.ts), and the screens build their requests from the same
 * names. A value that does not parse is answered 400 with its field; nothing a client sends is
 * used to look anything up before it has parsed.
 */
import { z } from 'zod';
import { ALERT_RULES, ALERT_STATES, type AlertState } from './alerts.ts';
import { isScope, type Scope } from './catalog.ts';
import { FORECAST_METRICS } from './forecast.ts';
import { EVENT_TYPES, type EventType } from './events.ts';
import { PERIOD_KINDS } from './periods.ts';
import { DAY_MS, dayIndexOf, dayIndexOfDate } from './time.ts';

/** Years a date parameter may name: the hub holds nothing before 2000, and nobody plans past 2100. */
export const FIRST_YEAR = 2000;
export const LAST_YEAR = 2100;

/** An absent or empty query parameter: the default applies. */
const blankToUndefined = (v: unknown) => (v === '' ? undefined : v);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(blankToUndefined, schema.optional());

export const scopeParam = z
  .string()
  .max(80)
  .refine(isScope, 'must be city, center:<code>, dept:<code> or window:<code>')
  .transform((s) => s as Scope);

/** `YYYY-MM-DD`, or an ISO 8601 time taken as its Asia/Shanghai day; gives the day index. */
export const dayParam = z
  .string()
  .max(40)
  .transform((raw, ctx) => {
    const day = /^\d{4}-\d{2}-\d{2}$/.test(raw) ? dayIndexOfDate(raw) : /^\d{4}-\d{2}-\d{2}T/.test(raw) ? dayIndexOf(Date.parse(raw)) : Number.NaN;
    const year = Number.isNaN(day) ? Number.NaN : new Date(day * DAY_MS).getUTCFullYear();
    if (Number.isNaN(day) || year < FIRST_YEAR || year > LAST_YEAR) {
      ctx.addIssue({ code: 'custom', message: `must be a date YYYY-MM-DD (or an ISO 8601 time) from ${FIRST_YEAR} to ${LAST_YEAR}` });
      return z.NEVER;
    }
    return day;
  });

/** An instant: epoch ms or an ISO 8601 time, within the years above. */
export const instantParam = z
  .string()
  .max(40)
  .transform((raw, ctx) => {
    const ms = /^\d{1,15}$/.test(raw) ? Number(raw) : /^\d{4}-\d{2}-\d{2}/.test(raw) ? Date.parse(raw) : Number.NaN;
    const year = Number.isNaN(ms) ? Number.NaN : new Date(ms).getUTCFullYear();
    if (Number.isNaN(ms) || year < FIRST_YEAR - 1 || year > LAST_YEAR) {
      ctx.addIssue({ code: 'custom', message: 'must be epoch ms or an ISO 8601 time' });
      return z.NEVER;
    }
    return ms;
  });

/** A whole number within bounds, sent as text. */
export const countParam = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,6}$/, `must be a whole number from ${min} to ${max}`)
    .transform(Number)
    .pipe(z.number().int().min(min, `must be a whole number from ${min} to ${max}`).max(max, `must be a whole number from ${min} to ${max}`));

/** A comma-separated list of short names. */
const nameList = z
  .string()
  .max(2000)
  .transform((s) => s.split(','))
  .pipe(z.array(z.string().min(1).max(80)).max(100));

export const INTERVALS = ['minute', 'hour', 'day'] as const;
export type Interval = (typeof INTERVALS)[number];

/** `at`: the figures as they were at that instant (time travel, docs/archive.md); instead of `date`. */
export const snapshotQuery = z.object({ scope: optional(scopeParam), date: optional(dayParam), at: optional(instantParam) });

/** The scope of any figure read, as the read guard judges it (server/http/read-guard.ts). */
export const scopeQuery = z.object({ scope: optional(scopeParam) });

/** A screen token in the screen URL's `?token=` (docs/auth.md); `Authorization: Bearer` counts first. */
export const tokenQuery = z.object({ token: optional(z.string().max(512)) });

export const seriesQuery = z.object({
  metric: z.string({ error: 'metric is required, e.g. metric=tickets.issued' }).min(1, 'metric is required, e.g. metric=tickets.issued').max(80),
  interval: optional(z.enum(INTERVALS, 'must be minute, hour or day')),
  scope: optional(scopeParam),
  from: optional(dayParam),
  to: optional(dayParam),
});

export const cockpitDayQuery = z.object({ scope: optional(scopeParam), date: optional(dayParam) });

/** `GET /api/v1/cockpit/overview`: the cockpit's first screen of a scope and day. */
export const cockpitOverviewQuery = cockpitDayQuery.extend({});

export const rankingsQuery = cockpitDayQuery.extend({ limit: optional(countParam(1, 200)) });

const EXPORT_SIZE_RULE = 'must be WIDTHxHEIGHT within 960x540 and 3840x2160, e.g. 1920x1080';

export const exportQuery = cockpitDayQuery.extend({
  format: optional(z.enum(['png', 'pdf'], 'must be png or pdf')),
  size: optional(
    z
      .string()
      .max(20)
      .regex(/^\d{3,4}x\d{3,4}$/, EXPORT_SIZE_RULE)
      .transform((raw, ctx) => {
        const [width, height] = raw.split('x').map(Number) as [number, number];
        if (width < 960 || width > 3840 || height < 540 || height > 2160) {
          ctx.addIssue({ code: 'custom', message: EXPORT_SIZE_RULE });
          return z.NEVER;
        }
        return { width, height };
      }),
  ),
});

/** `GET /api/v1/cockpit/period`: the period of a kind holding `date` (default today), with 环比 and 同比. */
export const periodQuery = cockpitDayQuery.extend({
  period: optional(z.enum(PERIOD_KINDS, 'must be day, week, month, quarter or year')),
});

const REPORT_FORMAT_RULE = 'must be json, xlsx or pdf';
const reportFormat = z.enum(['json', 'xlsx', 'pdf'], REPORT_FORMAT_RULE);

/** `GET /api/v1/reports/daily`: 日报 of a day (default yesterday). */
export const dailyReportQuery = cockpitDayQuery.extend({ format: optional(reportFormat) });

/** `YYYY-MM` within the years above; gives the month's first day index. */
export const monthParam = z
  .string()
  .max(7)
  .transform((raw, ctx) => {
    const day = /^\d{4}-\d{2}$/.test(raw) ? dayIndexOfDate(`${raw}-01`) : Number.NaN;
    const year = Number(raw.slice(0, 4));
    if (Number.isNaN(day) || year < FIRST_YEAR || year > LAST_YEAR) {
      ctx.addIssue({ code: 'custom', message: `must be a month YYYY-MM from ${FIRST_YEAR} to ${LAST_YEAR}` });
      return z.NEVER;
    }
    return day;
  });

/** `GET /api/v1/reports/monthly`: 月报 of a month (default the month before this one). */
export const monthlyReportQuery = z.object({ scope: optional(scopeParam), month: optional(monthParam), format: optional(reportFormat) });

/** `GET /api/v1/reports`: the reports kept. */
export const reportListQuery = z.object({
  scope: optional(scopeParam),
  kind: optional(z.enum(['daily', 'monthly'], 'must be daily or monthly')),
  limit: optional(countParam(1, 500)),
});

/** `GET /api/v1/reports/kept/:id`: a kept report, `<daily|monthly>~<scope>~<YYYY-MM-DD|YYYY-MM>`. */
export const keptReportId = z
  .string()
  .max(120)
  .regex(/^(daily~[A-Za-z0-9:._-]{1,80}~\d{4}-\d{2}-\d{2}|monthly~[A-Za-z0-9:._-]{1,80}~\d{4}-\d{2})$/, 'must be a kept report id, e.g. daily~city~2026-11-29');

/** `GET /api/v1/reports/kept/:id?format=`. */
export const keptReportQuery = z.object({ format: optional(reportFormat) });

const STATES_RULE = 'state must be open, acknowledged, resolved, closed or active (open and acknowledged), comma-separated';

/** `open,acknowledged`, `active` (both), `resolved` …: the alert states asked for. */
const alertStates = z
  .string()
  .max(200)
  .transform((raw, ctx) => {
    const out = new Set<AlertState>();
    for (const s of raw.split(',')) {
      if (s === 'active') {
        out.add('open');
        out.add('acknowledged');
      } else if ((ALERT_STATES as readonly string[]).includes(s)) out.add(s as AlertState);
      else {
        ctx.addIssue({ code: 'custom', message: STATES_RULE });
        return z.NEVER;
      }
    }
    return [...out];
  });

export const alertListQuery = z.object({
  state: optional(alertStates),
  rule: optional(z.enum(ALERT_RULES, { error: (issue) => `unknown rule "${String(issue.input)}"` })),
  severity: optional(z.enum(['yellow', 'red'], 'severity must be yellow or red')),
  dept: optional(nameList),
  window: optional(z.string().max(80)),
  from: optional(instantParam),
  to: optional(instantParam),
  limit: optional(countParam(1, 1000)),
});

export const auditQuery = z.object({
  actor: optional(z.string().max(80)),
  action: optional(z.string().max(80)),
  target: optional(z.string().max(200)),
  from: optional(instantParam),
  to: optional(instantParam),
  limit: optional(countParam(1, 1000)),
});

/** GET /api/v1/forecast: the usual day of a scope (default city) on a date (default today), tickets (default) or cases. */
export const forecastQuery = z.object({
  scope: optional(scopeParam),
  date: optional(dayParam),
  metric: optional(z.enum(FORECAST_METRICS, 'must be tickets or cases')),
});

export const deadLettersQuery = z.object({ count: optional(countParam(1, 1000)) });

/** The most days one export may span (docs/api.md, "Exporting the archived events"). */
export const EVENTS_EXPORT_MAX_DAYS = 366;
/**
 * A bound of the export: a date `YYYY-MM-DD` (a whole Asia/Shanghai day: `from` its start, `to` its
 * end) or an ISO 8601 time with its offset (`from` inclusive, `to` exclusive). Compared with the
 * event's `at`, not with when it arrived.
 */
const exportBound = (edge: 'from' | 'to') =>
  z
    .string()
    .max(40)
    .transform((raw, ctx) => {
      const isDate = /^\d{4}-\d{2}-\d{2}$/.test(raw);
      const isTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.test(raw);
      const ms = isDate ? Date.parse(`${raw}T00:00:00+08:00`) + (edge === 'to' ? DAY_MS : 0) : isTime ? Date.parse(raw) : Number.NaN;
      const year = Number.isNaN(ms) ? Number.NaN : new Date(ms).getUTCFullYear();
      if (Number.isNaN(ms) || year < FIRST_YEAR || year > LAST_YEAR) {
        ctx.addIssue({
          code: 'custom',
          message: `must be a date YYYY-MM-DD or an ISO 8601 time with its offset (e.g. 2026-11-30T09:00:00+08:00), from ${FIRST_YEAR} to ${LAST_YEAR}`,
        });
        return z.NEVER;
      }
      return ms;
    });

/** `GET /api/v1/events/export`: the archived events with `at` in [from, to), of some types, as NDJSON or CSV. */
export const eventsExportQuery = z.object({
  // the format first: a wrong one is the error named even when the range is missing too
  format: optional(z.enum(['ndjson', 'csv'], 'must be ndjson or csv')),
  from: z.string({ error: 'from is required, e.g. from=2026-11-01' }).pipe(exportBound('from')),
  to: z.string({ error: 'to is required, e.g. to=2026-11-30' }).pipe(exportBound('to')),
  type: optional(
    nameList.pipe(
      z
        .array(z.string())
        .refine((types) => types.every((t) => (EVENT_TYPES as string[]).includes(t)), `each type must be one of ${EVENT_TYPES.join(', ')}`)
        .transform((types) => [...new Set(types)] as EventType[]),
    ),
  ),
});

/** GET /api/v1/reviews/follow-ups: the bad reviews of a day (default today) in a scope (default city). */
export const reviewFollowUpsQuery = z.object({ scope: optional(scopeParam), date: optional(dayParam) });

/** GET /api/v1/visit-figures: the join figures of a scope (default city) on a date (default today). */
export const visitFiguresQuery = z.object({ scope: optional(scopeParam), date: optional(dayParam) });
/** GET /api/v1/staff/:id/figures: a member of staff's figures on a date (default today). */
export const staffFiguresQuery = z.object({ date: optional(dayParam) });
/** GET /api/v1/staff/figures: the figures of a department's staff on a date (default today). */
export const deptStaffFiguresQuery = z.object({ dept: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be a department code'), date: optional(dayParam) });

/** A name in a path (a user, a source, a screen, an alert id): short, printable, no separators. */
export const pathName = z
  .string()
  .min(1)
  .max(80)
  .regex(/^[A-Za-z0-9._:@-]+$/, 'must be letters, digits and . _ : @ -');

/** A screen of the fleet in `/api/v1/screens/<id>/…`: a screen token's name or a `?screen=` id (common/fleet.ts). */
export const screenIdParam = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'a screen id is 1-64 of A-Z a-z 0-9 . _ -');

/** A screen's name in `/screens/<name>`: a folder of screens/ (`assets` is the bundles' own path). */
export const screenName = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,40}$/, 'no such screen')
  .refine((n) => n !== 'assets', 'no such screen');

/** GET /api/v1/screens/playlist: the screen (ignored with a screen token: its name is the id) and its fleet group (default: the id up to its last `-`). */
export const screenPlaylistQuery = z.object({ screen: optional(screenIdParam), group: optional(screenIdParam) });
