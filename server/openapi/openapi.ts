/**
 * The OpenAPI 3.1 description of the hub's HTTP API, served at GET /api/v1/openapi.json.
 *
 * One route table (API_ROUTES) with the zod schemas the hub parses requests with: query and path
 * parameters from common/api-queries.ts, the event contract from common/events.ts, and the bodies
 * of the sign-in, user, token and alert routes. zod converts them itself (`z.toJSONSchema`, JSON
 * Schema draft 2020-12, the dialect of OpenAPI 3.1) on their INPUT side: what a client sends, before
 * any transform (`?limit=20` is the string "20", `date` a string, not the day index it becomes).
 * Answers are described by small zod schemas below, each checked against the TypeScript type the
 * hub answers with (`satisfies`), except the big figure answers (snapshot, cockpit), which point
 * to docs/api.md and docs/cockpit.md.
 *
 * test/hub/openapi.test.ts validates the document with an OpenAPI 3.1 validator and compares the
 * table with the routes the hub's Express routers serve, both ways.
 */
import { z } from 'zod';
import {
  alertListQuery,
  auditQuery,
  cockpitDayQuery,
  cockpitOverviewQuery,
  dailyReportQuery,
  deadLettersQuery,
  eventsExportQuery,
  keptReportId,
  keptReportQuery,
  monthlyReportQuery,
  periodQuery,
  reportListQuery,
  reviewFollowUpsQuery,
  scopeQuery,
  exportQuery,
  forecastQuery,
  INTERVALS,
  pathName,
  rankingsQuery,
  seriesQuery,
  screenPlaylistQuery,
  snapshotQuery,
  deptStaffFiguresQuery,
  staffFiguresQuery,
  visitFiguresQuery,
} from '../../common/api-queries.ts';
import { PLAYLIST_PERIODS, playlistItemSchema, playlistsSectionSchema, type ScreenPlaylistAnswer } from '../../common/playlists.ts';
import { ALERT_CONFLICT_CODES, ALERT_RULES, ALERT_STATES, MAX_ALERT_LEVEL, type Alert } from '../../common/alerts.ts';
import { USER_ROLES, type AuditEntry, type SessionUser, type TokenInfo, type UserRole } from '../../common/auth.ts';
import type { Catalog } from '../../common/catalog.ts';
import { EVENT_TYPES, eventSchema, eventSchemas, MAX_BATCH_EVENTS, type IngestResult } from '../../common/events.ts';
import { ingestScopeBody } from '../../common/ingest-scope.ts';
import type { DeadLetter } from '../aggregate/dead-letters.ts';
import { uploadStatusSchema } from '../archive/archive-upload.ts';
import { escalateSchema, noteSchema } from '../alerts/alert-routes.ts';
import { followUpBody } from '../reviews/review-routes.ts';
import { disableSchema, passwordSchema, screenScopeChangeSchema, screenScopeSchema } from '../auth/admin-routes.ts';
import { signInSchema } from '../auth/session-routes.ts';
import { SESSION_COOKIE } from '../identity/credentials.ts';
import { newUserSchema, userChangeSchema } from '../auth/users.ts';
import { catalogSchemas } from '../catalog/load-catalog.ts';
import type { Health } from '../observability/health.ts';
import type { Series } from '../../common/series.ts';
import { hallConfigSchema, hallScreenConfigSchema } from '../../common/hall.ts';
import { notifyConfigSchema } from '../../common/notify.ts';
import { CONFIG_SECTIONS, configSectionParam } from '../../common/config-sections.ts';
import { alertsSectionSchema } from '../alerts/alert-config.ts';
import { alertsPreviewBody } from '../../common/alerts-preview.ts';
import { holidayOverridesSchema } from '../../common/calendar.ts';
import { cockpitSectionSchema } from '../read/cockpit/cockpit-config.ts';
import {
  FLEET_COMMANDS,
  fleetCommandSchema,
  screenIdSchema,
  screenPathSchema,
  screenReportSchema,
  type FleetAnswer,
  type FleetCommand,
} from '../../common/fleet.ts';

/** A JSON Schema or an OpenAPI object, as it goes into the document. */
type Json = Record<string, unknown>;

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** Who may call a route; each kind adds its security requirement and its 401/403 answers. */
export type Access =
  /** Anyone (monitoring, the sign-in itself, this document). */
  | { kind: 'open' }
  /** A source's ingest token: bearer or a signed request (docs/api.md). */
  | { kind: 'ingest' }
  /**
   * Open while no screen token exists; then a screen token or a sign-in (server/http/read-guard.ts).
   * `figures`: the token's scope must cover the requested one (403 otherwise).
   */
  | { kind: 'screen'; figures: boolean }
  /** A session cookie of a user with one of these roles: 401 without, 403 for another role. */
  | { kind: 'session'; roles: readonly UserRole[] }
  /** Reads the session cookie if one is sent (who am I, sign out). */
  | { kind: 'cookie' };

/** Answers a route gives besides those its access and its parameters imply. */
type ErrorStatus = 400 | 401 | 404 | 409 | 413 | 415 | 429 | 500 | 503;

interface Answer {
  status: 200 | 201 | 202;
  description: string;
  /** The JSON body: a registered schema's id, or a JSON Schema. */
  body?: string | Json;
  /** Other media types than JSON, with their schema. */
  content?: Record<string, Json>;
}

export interface ApiRoute {
  method: HttpMethod;
  /** As the Express router spells it (`/api/v1/alerts/:id`); every `:param` is a `pathName`. */
  path: string;
  tag: string;
  summary: string;
  description?: string;
  access: Access;
  query?: z.ZodObject;
  /** What zod cannot say about a query parameter of this route (bounds behind a transform, defaults). */
  queryText?: Record<string, string>;
  /** Path parameters that are not a `pathName` (e.g. the config section names). */
  params?: Record<string, z.ZodType>;
  /** Parameters in headers (e.g. If-Match). */
  headers?: { name: string; description: string }[];
  /** The 409 answer's body when it is not the alert actions' one. */
  conflict?: Json;
  /** A registered schema's id. */
  body?: { schema: string; required: boolean; description?: string };
  answer: Answer;
  errors?: ErrorStatus[];
}

// ---- answers: each checked against the hub's own type ----------------------------------------

const scopeValue = z.union([
  z.literal('city'),
  z.templateLiteral(['center:', z.string()]),
  z.templateLiteral(['dept:', z.string()]),
  z.templateLiteral(['window:', z.string()]),
]);

const errorBody = z.object({
  error: z.string().meta({ description: 'What is wrong and what to do.' }),
  field: z.string().optional().meta({ description: 'The parameter, body field or header at fault, where there is one.' }),
});

const ingestResult = z.object({
  accepted: z.number().int().min(0),
  duplicates: z.number().int().min(0).meta({ description: 'Events whose id the hub already had: counted once.' }),
  rejected: z.array(
    z.object({
      index: z.number().int().min(0).meta({ description: 'Position in the batch.' }),
      id: z.string().optional(),
      errors: z.array(z.object({ path: z.string(), message: z.string() })),
    }),
  ),
}) satisfies z.ZodType<IngestResult>;

const sessionUser = z.object({
  username: z.string(),
  name: z.string(),
  role: z.enum(USER_ROLES),
  depts: z.array(z.string()).meta({ description: "A supervisor's departments; empty for leaders and admins." }),
}) satisfies z.ZodType<SessionUser>;

const alertSchema = z
  .object({
    id: z.string(),
    rule: z.enum(ALERT_RULES),
    severity: z.enum(['yellow', 'red']),
    state: z.enum(ALERT_STATES),
    level: z.number().int().min(0).max(MAX_ALERT_LEVEL),
    subject: z.string(),
    center: z.string(),
    dept: z.string().nullable(),
    window: z.string().nullable(),
    ticket: z.string().optional(),
    case: z.string().optional(),
    source: z.string().optional(),
    score: z.number().int().optional(),
    since: z.number(),
    dueAt: z.number().optional(),
    capacity: z
      .object({
        at: z.number(),
        waiting: z.number().int(),
        openWindows: z.number().int(),
        closedWindows: z.number().int(),
        serviceMinutes: z.number(),
        arrivalsPerHour: z.number(),
        expectedWaitMinutes: z.number().nullable().meta({ description: 'null: the arrivals outrun the open windows, the wait only grows.' }),
        thresholdMinutes: z.number(),
        windowsToOpen: z.number().int(),
      })
      .optional()
      .meta({ description: 'Rule capacity (增开窗口建议): the queue and the advice as of the last change (docs/alerts.md#capacity).' }),
    openedAt: z.number(),
    updatedAt: z.number(),
    scopes: z.array(scopeValue),
    history: z.array(
      z.object({
        at: z.number(),
        action: z.enum(['opened', 'acknowledged', 'resolved', 'escalated', 'overdue', 'closed']),
        by: z.string(),
        note: z.string().optional(),
        reason: z.string().optional(),
        level: z.number().int().optional(),
      }),
    ),
  })
  .meta({ description: 'Times are epoch ms (docs/alerts.md).' }) satisfies z.ZodType<Alert>;

const auditEntry = z.object({
  id: z.string(),
  at: z.number(),
  actor: z.string(),
  action: z.string(),
  target: z.string(),
  ip: z.string(),
  dept: z.string().optional(),
  detail: z.record(z.string(), z.unknown()).optional(),
}) satisfies z.ZodType<AuditEntry>;

const tokenInfo = z.object({
  name: z.string(),
  origin: z.enum(['env', 'rotated', 'revoked']),
  at: z.number().optional(),
  by: z.string().optional(),
  scope: z.string().nullable().optional(),
  centers: z.array(z.string()).nullable().optional(),
  types: z.array(z.string()).nullable().optional(),
  note: z.string().optional(),
  lastUsed: z.number().nullable().meta({ description: 'When the token last authenticated (epoch ms, to the minute); null: not seen.' }),
  lastEventAt: z.number().nullable().optional().meta({ description: "Ingest tokens: when the hub last received the source's events (epoch ms)." }),
}) satisfies z.ZodType<TokenInfo>;

const health = z.object({
  status: z.enum(['ok', 'degraded']),
  reasons: z.array(z.enum(['redis-unreachable', 'redis-refuses-writes', 'aof-write-failed', 'memory-high', 'consumer-lag', 'archive-store-down'])),
  redis: z.object({
    reachable: z.boolean(),
    latencyMs: z.number().nullable(),
    error: z.string().optional(),
    writable: z.boolean().nullable(),
    writeError: z.string().optional(),
    aofLastWrite: z.enum(['ok', 'err']).nullable(),
    memory: z.object({ usedBytes: z.number(), maxBytes: z.number(), ratio: z.number().nullable() }).nullable(),
  }),
  consumer: z.object({ lag: z.number().nullable(), pending: z.number().nullable() }),
  deadLetters: z.number().nullable(),
  archive: z
    .object({
      cursor: z.string(),
      lagSeconds: z.number(),
      writer: z.string().nullable(),
      upload: uploadStatusSchema.nullable().optional().meta({
        description:
          'With an object store (ARCHIVE_S3_URL): the copy of the sealed segments to it, as the uploading hub last wrote it (null: no uploader ran lately, or Redis holds no status of this shape). docs/archive.md "The object store"',
      }),
    })
    .nullable()
    .meta({
      description:
        'The event archive (docs/archive.md): the last archived stream id, the age of the oldest event not archived yet, the hub writing; null while no hub ever archived',
    }),
}) satisfies z.ZodType<Health>;

const series = z.object({
  metric: z.string(),
  scope: scopeValue,
  interval: z.enum(INTERVALS),
  from: z.string(),
  to: z.string(),
  points: z.array(z.object({ t: z.string().meta({ description: 'ISO 8601 time (+08:00); a date for interval=day.' }), v: z.number().nullable() })),
}) satisfies z.ZodType<Series>;

const deadLetters = z.object({
  total: z.number().int(),
  items: z.array(z.object({ id: z.string(), sid: z.string(), error: z.string(), record: z.string() })),
}) satisfies z.ZodType<{ total: number; items: DeadLetter[] }>;

const catalog = z.object(catalogSchemas) satisfies z.ZodType<Catalog>;

// the screen fleet (docs/screens.md#the-fleet)
const fleetCommandState = z.object({
  id: z.string(),
  screen: z.string(),
  command: z.enum(FLEET_COMMANDS),
  path: z.string().optional(),
  issuedAt: z.number().int(),
  expiresAt: z.number().int().meta({ description: 'Dropped when not delivered by then (10 minutes).' }),
  by: z.string(),
  status: z.enum(['pending', 'delivered', 'expired']),
  deliveredAt: z.number().int().optional(),
}) satisfies z.ZodType<FleetCommand>;
const fleetScreen = screenReportSchema.omit({ id: true, group: true }).extend({
  id: z.string(),
  group: z.string(),
  online: z.boolean().meta({ description: 'A report within 90 s and no clean disconnect since.' }),
  lastSeen: z.string().meta({ description: 'ISO time of the last report (the hub clock).' }),
  via: z.enum(['token', 'param']),
  pendingCommands: z.number().int(),
});
const fleetAnswer = z.object({
  screens: z.array(fleetScreen),
  online: z.number().int(),
  offline: z.number().int(),
  now: z.number().int(),
}) satisfies z.ZodType<FleetAnswer>;
// playlists (docs/screens.md#playlists)
const screenPlaylist = z.object({
  screen: z.string(),
  group: z.string(),
  playlist: z
    .object({
      id: z.string(),
      name: z.string(),
      via: z.enum(['screen', 'group']),
      period: z.enum(PLAYLIST_PERIODS),
      items: z.array(playlistItemSchema),
      since: z.number().int().meta({ description: "The period's start (epoch ms): the item due is (now - since) modulo the cycle." }),
      until: z.number().int().meta({ description: "The period's end (epoch ms): the screen asks again then." }),
    })
    .nullable()
    .meta({ description: 'null: no playlist for the screen or its group.' }),
  now: z.number().int().meta({ description: "The hub's clock, epoch ms." }),
}) satisfies z.ZodType<ScreenPlaylistAnswer>;
const fleetGroupCommand = z.object({
  command: z.enum(FLEET_COMMANDS),
  path: screenPathSchema.optional().meta({ description: 'With navigate: a page of this hub under /screens/.' }),
  group: screenIdSchema.optional(),
  ids: z.array(screenIdSchema).min(1).max(500).optional(),
});

/** Every schema the document names under components.schemas, by id. */
const SCHEMAS: Record<string, z.ZodType> = {
  Error: errorBody,
  ...Object.fromEntries(EVENT_TYPES.map((t) => [`Event.${t}`, eventSchemas[t]])),
  Event: eventSchema,
  EventBatch: z.union([z.array(eventSchema).max(MAX_BATCH_EVENTS), z.object({ events: z.array(eventSchema).max(MAX_BATCH_EVENTS) })]).meta({
    description:
      `A JSON array of events, or {"events": [...]}; at most ${MAX_BATCH_EVENTS} events and 1 MiB (413 beyond). ` +
      'Each event is checked on its own: one that breaks the contract is listed under `rejected` of the 202 answer, and the rest are taken.',
  }),
  IngestResult: ingestResult,
  SignIn: signInSchema,
  SessionUser: sessionUser,
  NewUser: newUserSchema,
  PasswordChange: passwordSchema,
  DisabledChange: disableSchema,
  UserChange: userChangeSchema.meta({ description: 'What changes; absent keeps. A supervisor needs at least one department.' }),
  ScreenScopeChange: screenScopeChangeSchema.meta({ description: 'The scope the screen token may read from now on; null: city.' }),
  IngestScope: ingestScopeBody.meta({ description: 'A list restricts the token, null lifts the restriction, absent keeps it.' }),
  ScreenScope: screenScopeSchema.meta({ description: 'The scope the screen token may read; null or absent: city.' }),
  ResolveNote: noteSchema,
  FollowUp: followUpBody.meta({
    description: '`result`: what the call found; `rerating`: the stars the citizen gave at the call (not with 无法联系). Unknown keys are refused.',
  }),
  Escalation: escalateSchema.meta({ description: '`level`: the level you saw, so that two escalations at once do not skip one (409).' }),
  Alert: alertSchema,
  AuditEntry: auditEntry,
  TokenInfo: tokenInfo,
  Health: health,
  Series: series,
  Catalog: catalog,
  HallConfig: hallConfigSchema,
  HallScreenConfig: hallScreenConfigSchema,
  PlaylistsConfig: playlistsSectionSchema.meta({
    description:
      'The `playlists` section: config/playlists.json (named page sequences, their schedule, assignments to screens and groups; docs/screens.md#playlists).',
  }),
  DeadLetters: deadLetters,
  FleetAnswer: fleetAnswer,
  FleetCommand: fleetCommandSchema.meta({ description: 'reload; navigate with a path under /screens/; identify (its id large for 10 s).' }),
  FleetGroupCommand: fleetGroupCommand.meta({ description: 'A command and its screens: `group` or `ids`, one of them.' }),
  FleetCommandState: fleetCommandState,
  ScreenPlaylist: screenPlaylist,
  ConfigSection: z.unknown().meta({
    description:
      'A configuration section: one of Catalog, AlertsConfig, HolidaysConfig, HallConfig, CockpitConfig, NotifyConfig, PlaylistsConfig, by the path.',
  }),
  AlertsPreviewRequest: alertsPreviewBody.meta({
    description:
      '`alerts`: the whole `alerts` section as a PUT would send it (AlertsConfig); `date`: the day to replay (Asia/Shanghai), one the event log still keeps.',
  }),
  AlertsConfig: alertsSectionSchema.meta({ description: 'The `alerts` section: config/alerts.json (thresholds, office hours; docs/alerts.md).' }),
  HolidaysConfig: holidayOverridesSchema.meta({ description: 'The `holidays` section: config/holidays.json (years chinese-days does not know yet).' }),
  CockpitConfig: cockpitSectionSchema.meta({ description: 'The `cockpit` section: config/coverage.json (coverage, KPI targets; docs/cockpit.md).' }),
  NotifyConfig: notifyConfigSchema.meta({
    description:
      'The `notify` section: channels, contacts, roster, routes, levels, quiet hours (docs/alerts.md, "Notifications"). Secrets are answered as ******; sending ****** keeps the stored one.',
  }),
};

const ref = (id: string): Json => {
  if (!(id in SCHEMAS)) throw new Error(`openapi: no schema "${id}"`);
  return { $ref: `#/components/schemas/${id}` };
};
const object = (properties: Record<string, Json>, description?: string): Json => ({
  type: 'object',
  properties,
  required: Object.keys(properties),
  ...(description ? { description } : {}),
});
const arrayOf = (items: Json): Json => ({ type: 'array', items });
/** One alert of the preview's answer (common/alerts-preview.ts PreviewAlert). */
const previewAlertJson: Json = object({
  rule: { enum: [...ALERT_RULES] },
  severity: { enum: ['yellow', 'red'] },
  subject: { type: 'string' },
  center: { type: 'string' },
  dept: { type: ['string', 'null'] },
  window: { type: ['string', 'null'] },
  since: { type: 'integer', description: 'When its cause began (epoch ms, event time)' },
  openedAt: { type: 'integer', description: 'When the replayed engine opened it (epoch ms)' },
});
/** An answer of many figures, described in prose elsewhere. */
const figures = (description: string): Json => ({ type: 'object', description });

const DAY_TEXT = 'YYYY-MM-DD, or an ISO 8601 time taken as its Asia/Shanghai day, from 2000 to 2100';
const INSTANTS: Record<string, string> = { from: 'Epoch ms or an ISO 8601 time', to: 'Epoch ms or an ISO 8601 time' };
/** What zod cannot say about a query parameter (refinements, transforms, defaults), by name. */
const PARAMETER_TEXT: Record<string, string> = {
  from: DAY_TEXT,
  to: DAY_TEXT,
  scope: 'city (default), center:<code>, dept:<code> or window:<code>, codes from the catalog (404 for an unknown one)',
  date: 'YYYY-MM-DD, or an ISO 8601 time taken as its Asia/Shanghai day, from 2000 to 2100; default today',
  count: 'A whole number from 1 to 1000, given as text; default 100',
  metric: 'e.g. tickets.issued; the metrics of each interval are in docs/api.md',
  interval: 'default hour',
  state: 'open, acknowledged, resolved, closed or active, comma-separated',
  dept: 'Department codes, comma-separated',
  format: 'default png',
  size: 'WIDTHxHEIGHT within 960x540 and 3840x2160; default 1920x1080',
};

// ---- the routes --------------------------------------------------------------------------------

const ADMIN = ['admin'] as const;
const COCKPIT = ['leader', 'admin'] as const;
const ALERT_USERS = ['supervisor', 'leader', 'admin'] as const;
const alertAnswer = object({ ok: { const: true }, alert: ref('Alert') });
const okAnswer = object({ ok: { const: true } });

export const API_ROUTES: readonly ApiRoute[] = [
  // operations
  {
    method: 'get',
    path: '/healthz',
    tag: 'operations',
    summary: 'Health of the hub',
    access: { kind: 'open' },
    description:
      '200 when the hub can take events; 503 (status "degraded", with the reasons) when Redis cannot take them or is about to. A lagging aggregator is degraded but 200.',
    answer: { status: 200, description: 'The hub can take events', body: 'Health' },
    errors: [503],
  },
  {
    method: 'get',
    path: '/metrics',
    tag: 'operations',
    summary: 'Prometheus metrics',
    access: { kind: 'open' },
    answer: { status: 200, description: 'Prometheus text exposition format', content: { 'text/plain': { type: 'string' } } },
  },
  {
    method: 'get',
    path: '/api/v1/openapi.json',
    tag: 'operations',
    summary: 'This document',
    access: { kind: 'open' },
    answer: { status: 200, description: 'The OpenAPI 3.1 document of the HTTP API', body: { type: 'object' } },
  },
  // ingest
  {
    method: 'post',
    path: '/api/v1/events',
    tag: 'ingest',
    summary: 'Send a batch of events',
    access: { kind: 'ingest' },
    description:
      'Event contract v1 (common/events.ts). 202 once the accepted events are durable; a repeated id is counted once, so a batch whose answer was lost can be sent again. ' +
      'A bearer token names the source; sources in INGEST_SIGNED_SOURCES must sign instead (docs/api.md).',
    body: { schema: 'EventBatch', required: true },
    answer: { status: 202, description: 'The batch was read; accepted events are durable', body: 'IngestResult' },
    errors: [503],
  },
  // reads
  {
    method: 'get',
    path: '/api/v1/catalog',
    tag: 'read',
    summary: 'Reference data: centers, departments, windows, items, staff',
    access: { kind: 'screen', figures: false },
    query: scopeQuery,
    description:
      "Without `scope` (or `scope=city`) the whole catalog; with a center, department or window, all centers and only the departments, windows, items and staff of the center it lies in (a hall's part).",
    answer: { status: 200, description: 'The catalog (config/catalog/), or one center of it', body: 'Catalog' },
    errors: [404],
  },
  {
    method: 'get',
    path: '/api/v1/snapshot',
    tag: 'read',
    summary: 'The figures of a scope for a day, or at a past instant (`at`: time travel)',
    access: { kind: 'screen', figures: true },
    query: snapshotQuery,
    answer: {
      status: 200,
      description: 'The snapshot',
      body: figures(
        'Cases, tickets, ratings, portal, trades, fees, complaints and alerts of the scope and day, plus the window grid and recent calls for a center (docs/api.md, common/snapshot.ts). With `at`: as they were at that instant, replayed from the event archive (docs/archive.md, "Time travel").',
      ),
    },
    errors: [400, 404, 503],
  },
  {
    method: 'get',
    path: '/api/v1/series',
    tag: 'read',
    summary: 'A metric over time',
    access: { kind: 'screen', figures: true },
    query: seriesQuery,
    description:
      'Whole days from `from` to `to` (defaults: interval=hour, to=today, from=to, or 29 days before for day). At most 2 days of minutes, 62 of hours, 400 of days; which metrics each interval has is in docs/api.md.',
    answer: { status: 200, description: 'The points', body: 'Series' },
    errors: [404, 503],
  },
  {
    method: 'get',
    path: '/api/v1/screens/hall',
    tag: 'read',
    summary: "The hall screen's notices and office hours",
    access: { kind: 'screen', figures: false },
    answer: { status: 200, description: 'The hall config and the office hours (the hall speaks calls only within them)', body: 'HallScreenConfig' },
    errors: [500],
  },
  {
    method: 'get',
    path: '/api/v1/screens/playlist',
    tag: 'read',
    summary: "A screen's playlist now: its period's pages, the period's bounds, the hub clock",
    access: { kind: 'screen', figures: false },
    query: screenPlaylistQuery,
    description:
      'The playlist of the screen (a screen token names it; else `screen`), else of its group (`group`, default the id up to its last `-`); the period (office hours of a working day, closed, holiday) by the `alerts` office hours and the `holidays` calendar, and its pages (docs/screens.md#playlists).',
    answer: { status: 200, description: 'The playlist, or null', body: 'ScreenPlaylist' },
    errors: [400],
  },
  // the screen fleet
  {
    method: 'get',
    path: '/api/v1/screens',
    tag: 'admin',
    summary: 'Every screen that reported, online or not, with its figures',
    access: { kind: 'session', roles: ADMIN },
    answer: { status: 200, description: 'The fleet, by group and page', body: 'FleetAnswer' },
  },
  {
    method: 'get',
    path: '/api/v1/screens/:id/commands',
    tag: 'admin',
    summary: 'A screen and its commands (pending, delivered, expired)',
    access: { kind: 'session', roles: ADMIN },
    answer: {
      status: 200,
      description: 'The screen and its commands',
      body: object({ screen: { type: 'object' }, commands: { type: 'array', items: ref('FleetCommandState') } }),
    },
    errors: [404],
  },
  {
    method: 'post',
    path: '/api/v1/screens/:id/commands',
    tag: 'admin',
    summary: 'Send a screen a command: reload, navigate or identify',
    description:
      'Delivered within 2 s to an online screen (the answer waits that long for it), else when it reports again, until it expires after 10 minutes. Audited.',
    access: { kind: 'session', roles: ADMIN },
    body: { schema: 'FleetCommand', required: true },
    answer: { status: 200, description: 'The command, delivered or pending', body: object({ command: ref('FleetCommandState') }) },
    errors: [404],
  },
  {
    method: 'post',
    path: '/api/v1/screens/commands',
    tag: 'admin',
    summary: 'Send a command to a group of screens or to a list',
    access: { kind: 'session', roles: ADMIN },
    body: { schema: 'FleetGroupCommand', required: true },
    answer: { status: 200, description: 'One command per screen', body: object({ commands: { type: 'array', items: ref('FleetCommandState') } }) },
    errors: [404],
  },
  {
    method: 'delete',
    path: '/api/v1/screens/:id',
    tag: 'admin',
    summary: 'Forget a screen (taken down for good) and its commands',
    access: { kind: 'session', roles: ADMIN },
    answer: { status: 200, description: 'Forgotten', body: okAnswer },
    errors: [404],
  },
  // cockpit
  ...(
    [
      [
        '/api/v1/cockpit/config',
        'Coverage figures and targets',
        undefined,
        'The cockpit configuration (config/coverage.json, common/cockpit.ts CockpitConfig)',
      ],
      ['/api/v1/cockpit/districts', 'The centers compared for a day', cockpitDayQuery, 'One row per center (common/cockpit.ts DistrictComparison)'],
      [
        '/api/v1/cockpit/rankings',
        'Departments and windows ranked',
        rankingsQuery,
        'Rankings (common/cockpit.ts CockpitRankings)',
        { limit: 'A whole number from 1 to 200, given as text; default 10' },
      ],
      ['/api/v1/cockpit/trading', 'Public resource trading', cockpitDayQuery, 'Trading figures (common/cockpit.ts CockpitTrading)'],
      ['/api/v1/cockpit/compare', 'Today against the same time the day before', cockpitDayQuery, 'The comparison (common/cockpit.ts CockpitComparison)'],
      [
        '/api/v1/cockpit/overview',
        "The wall's first screen in one answer",
        cockpitOverviewQuery,
        "Snapshot, area snapshot, config, comparison, rankings (4 each), districts, trading, bad-review figures, the seven chart series, today's usual day of cases (null for a past day) and the names of the scope's center, department and window (common/cockpit.ts CockpitOverview)",
      ],
    ] as const
  ).map(([path, summary, query, answer, queryText]): ApiRoute => ({
    method: 'get',
    path,
    tag: 'cockpit',
    summary,
    access: { kind: 'session', roles: COCKPIT },
    ...(query ? { query } : {}),
    ...(queryText ? { queryText } : {}),
    description: 'docs/cockpit.md. `date` is today or a past day.',
    answer: { status: 200, description: answer, body: figures(answer) },
    errors: query ? [404, 503] : [],
  })),
  {
    method: 'get',
    path: '/api/v1/forecast',
    tag: 'cockpit',
    summary: 'The usual day (常日): expected tickets or cases per hour of a date, with a band',
    access: { kind: 'session', roles: ALERT_USERS },
    query: forecastQuery,
    queryText: { metric: 'tickets (default: tickets issued) or cases (cases accepted)' },
    description:
      "docs/forecast.md. Learned from the scope's hourly counts of past days of the same kind of day (`basis`). A supervisor reads the scopes of their departments only (403). `date` at most 31 days after today.",
    answer: {
      status: 200,
      description: 'The forecast (common/forecast.ts Forecast)',
      body: figures('The forecast (common/forecast.ts Forecast): scope, date, metric, points [{t, expected, low, high}] per hour, basis'),
    },
    errors: [404, 503],
  },
  {
    method: 'get',
    path: '/api/v1/cockpit/export',
    tag: 'cockpit',
    summary: 'The cockpit as PNG or PDF',
    access: { kind: 'session', roles: COCKPIT },
    query: exportQuery,
    description:
      'Rendered by headless Chromium as the signed-in user sees it; `size` within 960x540 and 3840x2160 (default 1920x1080). 503 with Retry-After: 30 while no browser is available.',
    answer: {
      status: 200,
      description: 'The file, as an attachment',
      content: { 'image/png': { type: 'string', contentMediaType: 'image/png' }, 'application/pdf': { type: 'string', contentMediaType: 'application/pdf' } },
    },
    errors: [404, 500, 503],
  },
  // sign-in
  {
    method: 'post',
    path: '/api/v1/session',
    tag: 'session',
    summary: 'Sign in',
    access: { kind: 'open' },
    description: `Sets the httpOnly cookie ${SESSION_COOKIE}. Repeated failures lock the user name and the address out for a while (429 with Retry-After).`,
    body: { schema: 'SignIn', required: true },
    answer: { status: 200, description: 'Signed in', body: object({ ok: { const: true }, user: ref('SessionUser') }) },
    errors: [400, 401, 429],
  },
  {
    method: 'get',
    path: '/api/v1/session',
    tag: 'session',
    summary: 'Who is signed in',
    access: { kind: 'cookie' },
    answer: { status: 200, description: 'The signed-in user', body: object({ ok: { const: true }, user: ref('SessionUser') }) },
  },
  {
    method: 'delete',
    path: '/api/v1/session',
    tag: 'session',
    summary: 'Sign out',
    access: { kind: 'cookie' },
    answer: { status: 200, description: 'Signed out (also when nobody was)', body: okAnswer },
  },
  // users and tokens
  {
    method: 'get',
    path: '/api/v1/users',
    tag: 'admin',
    summary: 'List users',
    access: { kind: 'session', roles: ADMIN },
    answer: {
      status: 200,
      description: 'The users',
      body: object({
        users: arrayOf({
          allOf: [ref('SessionUser')],
          type: 'object',
          properties: { createdAt: { type: 'number' }, disabled: { type: 'boolean' }, lastSignIn: { type: ['number', 'null'] } },
        }),
      }),
    },
  },
  {
    method: 'post',
    path: '/api/v1/users',
    tag: 'admin',
    summary: 'Create a user',
    access: { kind: 'session', roles: ADMIN },
    description: 'A supervisor needs at least one department of the catalog; the password must pass the strength check.',
    body: { schema: 'NewUser', required: true },
    answer: { status: 201, description: 'Created', body: object({ ok: { const: true }, user: ref('SessionUser') }) },
    errors: [400],
  },
  {
    method: 'patch',
    path: '/api/v1/users/:username',
    tag: 'admin',
    summary: "Change a user's role, departments or name",
    access: { kind: 'session', roles: ADMIN },
    description: 'Audited as `user.changed` with the user before and after. Demoting the last enabled admin is refused (409 `last-admin`).',
    body: { schema: 'UserChange', required: true },
    answer: { status: 200, description: 'Changed', body: object({ ok: { const: true }, user: ref('SessionUser') }) },
    errors: [400, 409],
  },
  {
    method: 'post',
    path: '/api/v1/users/:username/sessions/end',
    tag: 'admin',
    summary: 'End every session of a user',
    access: { kind: 'session', roles: ADMIN },
    description: "The user's signed-in browsers are signed out at their next request; the password is unchanged.",
    answer: { status: 200, description: 'Ended', body: object({ ok: { const: true }, ended: { type: 'integer' } }) },
    errors: [404],
  },
  {
    method: 'post',
    path: '/api/v1/users/:username/password',
    tag: 'admin',
    summary: "Set a user's password (ends their sessions)",
    access: { kind: 'session', roles: ADMIN },
    body: { schema: 'PasswordChange', required: true },
    answer: { status: 200, description: 'Set', body: okAnswer },
    errors: [400],
  },
  {
    method: 'post',
    path: '/api/v1/users/:username/disabled',
    tag: 'admin',
    summary: 'Disable or enable a user',
    access: { kind: 'session', roles: ADMIN },
    body: { schema: 'DisabledChange', required: true },
    answer: { status: 200, description: 'Changed', body: okAnswer },
    errors: [400],
  },
  {
    method: 'get',
    path: '/api/v1/tokens',
    tag: 'admin',
    summary: 'List ingest and screen tokens (never the tokens themselves)',
    access: { kind: 'session', roles: ADMIN },
    answer: { status: 200, description: 'The tokens', body: object({ ingest: arrayOf(ref('TokenInfo')), screen: arrayOf(ref('TokenInfo')) }) },
  },
  {
    method: 'post',
    path: '/api/v1/tokens/ingest/:source/rotate',
    tag: 'admin',
    summary: 'Issue a new ingest token for a source',
    access: { kind: 'session', roles: ADMIN },
    description:
      'The old token stops working. The new token is shown once, in this answer. A source without a token gets its first one (this is how a token is created).',
    body: { schema: 'IngestScope', required: false },
    answer: {
      status: 200,
      description: 'The new token',
      body: object({
        ok: { const: true },
        source: { type: 'string' },
        token: { type: 'string' },
        centers: { type: ['array', 'null'], items: { type: 'string' } },
        types: { type: ['array', 'null'], items: { type: 'string' } },
      }),
    },
    errors: [400],
  },
  {
    method: 'patch',
    path: '/api/v1/tokens/ingest/:source',
    tag: 'admin',
    summary: "Change what a source's token may send, the token unchanged",
    access: { kind: 'session', roles: ADMIN },
    description: 'Only for a token issued by rotate; one from INGEST_TOKENS is refused with 409 `env-token` (rotate it once first).',
    body: { schema: 'IngestScope', required: true },
    answer: {
      status: 200,
      description: 'The scope now',
      body: object({
        ok: { const: true },
        source: { type: 'string' },
        centers: { type: ['array', 'null'], items: { type: 'string' } },
        types: { type: ['array', 'null'], items: { type: 'string' } },
      }),
    },
    errors: [400, 409],
  },
  {
    method: 'post',
    path: '/api/v1/tokens/ingest/:source/revoke',
    tag: 'admin',
    summary: "Revoke a source's ingest token",
    access: { kind: 'session', roles: ADMIN },
    answer: { status: 200, description: 'Revoked', body: okAnswer },
    errors: [400],
  },
  {
    method: 'post',
    path: '/api/v1/tokens/screen/:name/rotate',
    tag: 'admin',
    summary: 'Issue a new screen token',
    access: { kind: 'session', roles: ADMIN },
    description: 'The old token stops working; a screen without a token gets its first one. The new token is shown once, in this answer.',
    body: { schema: 'ScreenScope', required: false },
    answer: {
      status: 200,
      description: 'The new token, shown once',
      body: object({ ok: { const: true }, name: { type: 'string' }, token: { type: 'string' } }),
    },
    errors: [400],
  },
  {
    method: 'patch',
    path: '/api/v1/tokens/screen/:name',
    tag: 'admin',
    summary: 'Change what a screen token reads, the token unchanged',
    access: { kind: 'session', roles: ADMIN },
    body: { schema: 'ScreenScopeChange', required: true },
    answer: {
      status: 200,
      description: 'Changed',
      body: object({ ok: { const: true }, name: { type: 'string' }, scope: { type: ['string', 'null'] } }),
    },
    errors: [400, 409],
  },
  {
    method: 'post',
    path: '/api/v1/tokens/screen/:name/revoke',
    tag: 'admin',
    summary: 'Revoke a screen token',
    access: { kind: 'session', roles: ADMIN },
    answer: { status: 200, description: 'Revoked', body: okAnswer },
    errors: [400],
  },
  {
    method: 'get',
    path: '/api/v1/audit',
    tag: 'admin',
    summary: 'The audit trail',
    access: { kind: 'session', roles: ['admin', 'leader', 'supervisor'] },
    query: auditQuery,
    queryText: { ...INSTANTS, limit: 'A whole number from 1 to 1000, given as text; default 100' },
    description:
      'Admins read everything; leaders and supervisors only alert actions (action=alert.*), supervisors of their departments (403 for other actions).',
    answer: { status: 200, description: 'Entries, newest first', body: object({ entries: arrayOf(ref('AuditEntry')) }) },
  },
  {
    method: 'get',
    path: '/api/v1/admin/dead-letters',
    tag: 'admin',
    summary: 'Events aggregation gave up on',
    access: { kind: 'session', roles: ADMIN },
    query: deadLettersQuery,
    answer: { status: 200, description: 'The newest dead letters (count, default 100)', body: 'DeadLetters' },
  },
  {
    method: 'get',
    path: '/api/v1/events/export',
    tag: 'admin',
    summary: 'The archived events of a range, for auditors (NDJSON or CSV, streamed)',
    description:
      'Events whose `at` is in [from, to), read from the event archive (docs/archive.md) in the order the hub took them, written as they are read. Every export is recorded in the audit trail (`events.exported`). A damaged archive file is a 503 naming it when found before the first byte; later, the connection is cut (the answer is then incomplete).',
    access: { kind: 'session', roles: ADMIN },
    query: eventsExportQuery,
    queryText: {
      from: 'required: YYYY-MM-DD (the start of that Asia/Shanghai day) or an ISO 8601 time with its offset; inclusive',
      to: 'required: YYYY-MM-DD (the end of that day) or an ISO 8601 time with its offset; exclusive; at most 366 days after from',
      type: 'optional: event types, comma-separated (e.g. rating.submitted,case.completed); default all',
      format:
        'ndjson (default: one {sid, received, event} per line) or csv (UTF-8 with BOM, header row: sid, received, then every field of the types asked for)',
    },
    answer: {
      status: 200,
      description: 'The events, as an attachment (Content-Disposition) named events-<from>-to-<to>.<format>',
      content: {
        'application/x-ndjson': { type: 'string', description: 'one JSON object per line: {sid, received, event}' },
        'text/csv': { type: 'string', description: 'RFC 4180, CRLF, UTF-8 with BOM' },
      },
    },
    errors: [404, 503],
  },
  // alerts
  {
    method: 'get',
    path: '/api/v1/alerts',
    tag: 'alerts',
    summary: 'List alerts',
    access: { kind: 'session', roles: ALERT_USERS },
    query: alertListQuery,
    queryText: { ...INSTANTS, limit: 'A whole number from 1 to 1000, given as text; default 200' },
    description:
      '`state`: open, acknowledged, resolved, closed or active (open and acknowledged), comma-separated; `dept`: comma-separated department codes. ' +
      "Supervisors see their departments only (403 when asking for another). `now` is the hub's clock (epoch ms).",
    answer: { status: 200, description: 'The alerts', body: object({ alerts: arrayOf(ref('Alert')), now: { type: 'number' } }) },
  },
  {
    method: 'get',
    path: '/api/v1/alerts/:id',
    tag: 'alerts',
    summary: 'One alert',
    access: { kind: 'session', roles: ALERT_USERS },
    answer: { status: 200, description: 'The alert', body: object({ alert: ref('Alert') }) },
    errors: [404],
  },
  {
    method: 'post',
    path: '/api/v1/alerts/:id/ack',
    tag: 'alerts',
    summary: 'Acknowledge an alert',
    access: { kind: 'session', roles: ALERT_USERS },
    answer: { status: 200, description: 'The alert as changed', body: alertAnswer },
    errors: [404, 409],
  },
  {
    method: 'post',
    path: '/api/v1/alerts/:id/resolve',
    tag: 'alerts',
    summary: 'Resolve an alert with a note',
    access: { kind: 'session', roles: ALERT_USERS },
    body: { schema: 'ResolveNote', required: true },
    answer: { status: 200, description: 'The alert as changed', body: alertAnswer },
    errors: [400, 404, 409],
  },
  {
    method: 'post',
    path: '/api/v1/alerts/:id/escalate',
    tag: 'alerts',
    summary: 'Escalate an alert one level',
    access: { kind: 'session', roles: ALERT_USERS },
    body: { schema: 'Escalation', required: false },
    answer: { status: 200, description: 'The alert as changed', body: alertAnswer },
    errors: [400, 404, 409],
  },
  // notifications
  {
    method: 'get',
    path: '/api/v1/alerts/:id/deliveries',
    tag: 'alerts',
    summary: 'The notifications of an alert',
    access: { kind: 'session', roles: ALERT_USERS },
    description:
      '`deliveries`: one per (level, contact, channel) with its state (pending, sent, gave-up), attempts and last error; `log`: every step (queued, sent, retry, gave-up), oldest first.',
    answer: {
      status: 200,
      description: 'Deliveries and their log',
      body: object({ deliveries: arrayOf({ type: 'object' }), log: arrayOf({ type: 'object' }) }),
    },
    errors: [404],
  },
  // configuration (docs/admin.md)
  {
    method: 'get',
    path: '/api/v1/admin/config',
    tag: 'admin',
    summary: 'The configuration sections and their versions',
    access: { kind: 'session', roles: ADMIN },
    answer: {
      status: 200,
      description: 'One row per section',
      body: object({
        sections: arrayOf(
          object({
            section: { enum: [...CONFIG_SECTIONS] },
            version: { type: 'integer', description: '1 as seeded from the files; each change adds 1' },
            updatedAt: { type: ['string', 'null'], description: 'ISO time of the last change; null while as seeded' },
            updatedBy: { type: ['string', 'null'] },
          }),
        ),
      }),
    },
  },
  {
    method: 'get',
    path: '/api/v1/admin/config/:section',
    tag: 'admin',
    summary: 'One configuration section, as its file',
    access: { kind: 'session', roles: ADMIN },
    params: { section: configSectionParam },
    description:
      'The section has the shape of its file in config/ (`catalog`: the five files of config/catalog/ in one object {centers, departments, windows, items, staff}; `cockpit`: coverage.json). ' +
      'Its version is the `ETag` (a quoted integer), to send back as `If-Match`. `notify` secrets (`secret`, `pass`) are answered as ******. Any other section name is 404.',
    answer: {
      status: 200,
      description: 'The section as every hub applies it (Cache-Control: no-store)',
      body: {
        oneOf: [ref('Catalog'), ref('AlertsConfig'), ref('HolidaysConfig'), ref('HallConfig'), ref('CockpitConfig'), ref('NotifyConfig')],
      },
    },
    errors: [404],
  },
  {
    method: 'put',
    path: '/api/v1/admin/config/:section',
    tag: 'admin',
    summary: 'Replace a configuration section',
    access: { kind: 'session', roles: ADMIN },
    params: { section: configSectionParam },
    headers: [
      { name: 'If-Match', description: 'The version read (its ETag, "3"): a write over a newer version is refused with 409. Absent or *: any version.' },
    ],
    description:
      'The body is the whole section (as GET answers it; a ****** secret keeps the stored one). Checked with the schema of its file and against the other sections ' +
      '(a department of an unknown center, a window of an unknown department, duplicate codes, alert thresholds for a department the catalog lacks …): ' +
      'a 400 names the first problem in `error` and `field` and lists every one in `issues` [{path, message}], and nothing is changed. ' +
      'Stored in Redis as the next version, applied by every hub within 2 s (screens are told on /live as `config`), audited as `config.<section>-changed` with before and after (secrets masked).',
    body: { schema: 'ConfigSection', required: true },
    answer: { status: 200, description: 'The new version (also the ETag)', body: object({ version: { type: 'integer' } }) },
    errors: [404, 409],
    conflict: object({
      ok: { const: false },
      code: { const: 'stale-version' },
      error: { type: 'string' },
      field: { const: 'If-Match' },
      version: { type: 'integer', description: 'The current version: read the section again' },
    }),
  },
  {
    method: 'post',
    path: '/api/v1/admin/config/alerts/preview',
    tag: 'admin',
    summary: 'What edited alert rules would have raised on a past day',
    access: { kind: 'session', roles: ADMIN },
    description:
      "Replays the day's events that alert rules watch through the real alert engine, in scratch keys of the same Redis with a clock that walks through the day, " +
      'once with the proposed section and once with the current one; nothing is stored and the live alerts are untouched (docs/admin.md, "Previewing alert rules"). ' +
      'An invalid section is a 400 listing every issue in `issues`, as its PUT would; a day the event log no longer keeps (EVENT_LOG_DAYS), or a future one, a 400 on `date` naming the days that can be previewed. ' +
      'One preview at a time per hub: 503 with Retry-After while another runs, or when the replay takes over 2 minutes.',
    body: { schema: 'AlertsPreviewRequest', required: true },
    answer: {
      status: 200,
      description: 'The alerts each set of rules opened that day (opened and later closed ones too), in the order opened',
      body: object({
        date: { type: 'string' },
        alerts: arrayOf(previewAlertJson),
        current: arrayOf(previewAlertJson),
        events: { type: 'integer', description: "The day's watched events replayed" },
      }),
    },
    errors: [503],
  },
  {
    method: 'post',
    path: '/api/v1/admin/notify/channels/:id/test',
    tag: 'admin',
    summary: 'Send a test message through a channel',
    access: { kind: 'session', roles: ADMIN },
    description: "To the first contact reached through the channel. `ok` and `detail` are the receiver's answer.",
    answer: {
      status: 200,
      description: 'What the receiver answered',
      body: object({ ok: { type: 'boolean' }, channel: { type: 'string' }, contact: { type: ['string', 'null'] }, detail: { type: 'string' } }),
    },
    errors: [404],
  },
  // bad-review follow-ups (差评整改)
  {
    method: 'post',
    path: '/api/v1/reviews/:id/follow-up',
    tag: 'alerts',
    summary: "Record a bad review's follow-up and resolve its alert",
    access: { kind: 'session', roles: ['supervisor', 'admin'] },
    description:
      "`:id`: the review alert's id or the rating event's id. Stored once per review (409 `already-followed-up` after), counted on the review's day " +
      "in its scopes (in time: by the end of the due working day), and the alert is resolved with the result as its note. Supervisors: their departments' reviews only.",
    body: { schema: 'FollowUp', required: true },
    answer: {
      status: 200,
      description: 'The follow-up and the alert as it is now',
      body: object({ ok: { const: true }, followUp: { type: 'object' }, alert: ref('Alert') }),
    },
    errors: [400, 404, 409],
  },
  {
    method: 'get',
    path: '/api/v1/reviews/follow-ups',
    tag: 'alerts',
    summary: 'The follow-ups and the 整改率 of the bad reviews of a day',
    access: { kind: 'session', roles: ALERT_USERS },
    query: reviewFollowUpsQuery,
    description:
      'The bad reviews given on `date` in `scope`: `figures` {bad, followedUp, inTime, reratedSatisfied, rectificationRate (整改率: inTime / bad, null without a bad review)} and `followUps`, oldest first. Supervisors: a scope of their departments only (403).',
    answer: {
      status: 200,
      description: 'Figures and follow-ups',
      body: object({ scope: { type: 'string' }, date: { type: 'string' }, figures: { type: 'object' }, followUps: arrayOf({ type: 'object' }) }),
    },
  },
  // the join key and the staff scope (docs/metrics.md, "Visits and their cases", "Staff")
  {
    method: 'get',
    path: '/api/v1/visit-figures',
    tag: 'read',
    summary: 'Waits by whether the visit ended in a case, ratings and returns by item',
    access: { kind: 'session', roles: ALERT_USERS },
    query: visitFiguresQuery,
    description:
      'The figures of `date` in `scope` that join a visit, its case and its rating (common/visit-figures.ts VisitFiguresAnswer): `waits` {endedInCase, notEndedInCase} {count, avgWaitSec}, ' +
      '`ratingsByItem` [{item, name, ratings, bad, satisfactionRate}], `unjoinedRatings` (未关联), `returnsByItem` [{item, name, accepted, returned, returnRate}]. ' +
      'Supervisors: a scope of their departments only (403). A screen token is refused 403, whatever its scope.',
    answer: { status: 200, description: 'The join figures', body: figures('common/visit-figures.ts VisitFiguresAnswer') },
    errors: [404],
  },
  {
    method: 'get',
    path: '/api/v1/staff/figures',
    tag: 'read',
    summary: "A department's staff table: served, average service time, ratings",
    access: { kind: 'session', roles: ALERT_USERS },
    query: deptStaffFiguresQuery,
    queryText: { dept: 'A department code of the catalog (404 for an unknown one)' },
    description:
      'Each member of staff of the department in the catalog, with the figures of `date` (common/visit-figures.ts DeptStaffFiguresAnswer). Supervisors: their departments only (403). Never to a screen token (403).',
    answer: { status: 200, description: 'The staff table', body: figures('common/visit-figures.ts DeptStaffFiguresAnswer') },
    errors: [404],
  },
  {
    method: 'get',
    path: '/api/v1/staff/:id/figures',
    tag: 'read',
    summary: "A member of staff's figures (the staff:<id> scope)",
    access: { kind: 'session', roles: ALERT_USERS },
    query: staffFiguresQuery,
    description:
      '`:id`: a staff code of the catalog (404 otherwise). `served` (tickets finished), `avgServiceSec`, `ratings`, `bad`, `satisfactionRate` of `date` (common/visit-figures.ts StaffFiguresAnswer). ' +
      "Supervisors of the staff member's department and leaders; never a screen token (403), whatever its scope.",
    answer: { status: 200, description: "The staff member's figures", body: figures('common/visit-figures.ts StaffFiguresAnswer') },
    errors: [404],
  },
  // period figures and reports (docs/reports.md)
  {
    method: 'get',
    path: '/api/v1/cockpit/period',
    tag: 'cockpit',
    summary: "A period's figures with 环比 and 同比",
    access: { kind: 'session', roles: COCKPIT },
    query: periodQuery,
    queryText: {
      period: 'day, week (ISO, Monday to Sunday), month, quarter or year; default week',
      date: 'a day of the period, not after today; default today',
    },
    description:
      'The figures of the period holding `date` (an ongoing one up to today), of the period before (环比) and of the same period a year before (同比), each summed over its days with the rates computed from the sums (docs/metrics.md, "Periods"), and `change` per figure (common/report.ts PeriodAnswer).',
    answer: {
      status: 200,
      description: 'The period answer (common/report.ts PeriodAnswer)',
      body: figures('The period answer (common/report.ts PeriodAnswer)'),
    },
    errors: [404, 503],
  },
  ...(
    [
      ['/api/v1/reports/daily', '日报: the report of a day', dailyReportQuery, { date: 'YYYY-MM-DD, not after today; default today' }],
      ['/api/v1/reports/monthly', '月报: the report of a month', monthlyReportQuery, { month: 'YYYY-MM, not after this month; default this month' }],
    ] as const
  ).map(([path, summary, query, queryText]): ApiRoute => ({
    method: 'get',
    path,
    tag: 'cockpit',
    summary,
    access: { kind: 'session', roles: COCKPIT },
    query,
    queryText: { ...queryText, format: 'json (default), xlsx (sheets 概览, 排名, 好差评, 预警, 交易与收费) or pdf (A4)' },
    description:
      'Made on demand for the city (default), a center, a department or a window: KPIs against the cockpit targets, rankings, 好差评 by level, overdue cases, alerts, bad-review follow-ups, trading and fees (docs/reports.md; common/report.ts Report). The Excel and PDF show the numbers of the JSON. 503 with Retry-After: 30 while no browser can print the PDF.',
    answer: {
      status: 200,
      description: 'The report',
      content: {
        'application/json': { type: 'object', description: 'common/report.ts Report' },
        'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': {
          type: 'string',
          contentMediaType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        },
        'application/pdf': { type: 'string', contentMediaType: 'application/pdf' },
      },
    },
    errors: [404, 500, 503],
  })),
  {
    method: 'get',
    path: '/api/v1/reports',
    tag: 'cockpit',
    summary: 'The kept (scheduled) reports, newest first',
    access: { kind: 'session', roles: COCKPIT },
    query: reportListQuery,
    queryText: { limit: 'A whole number from 1 to 500, given as text; default 100', kind: 'daily or monthly; default both' },
    description:
      'Reports made on the schedule (docs/reports.md) and kept 400 days, each with links to its JSON, Excel and PDF, and `sent` (how it went through the notification channels) once sent.',
    answer: {
      status: 200,
      description: 'The kept reports (common/report.ts KeptReport)',
      body: object({ reports: arrayOf({ type: 'object', description: 'common/report.ts KeptReport' }) }),
    },
    errors: [404],
  },
  {
    method: 'get',
    path: '/api/v1/reports/kept/:id',
    tag: 'cockpit',
    summary: 'One kept report, as JSON, Excel or PDF',
    access: { kind: 'session', roles: COCKPIT },
    params: { id: keptReportId },
    query: keptReportQuery,
    queryText: { format: 'json (default), xlsx or pdf' },
    description: '`:id` as listed, e.g. `daily~city~2026-11-29`. The files are made from the kept JSON: the numbers that were sent.',
    answer: {
      status: 200,
      description: 'The report',
      content: {
        'application/json': { type: 'object', description: 'common/report.ts Report' },
        'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': {
          type: 'string',
          contentMediaType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        },
        'application/pdf': { type: 'string', contentMediaType: 'application/pdf' },
      },
    },
    errors: [404, 500, 503],
  },
];

// ---- the document ------------------------------------------------------------------------------

const STATUS_TEXT: Record<number, string> = {
  400: 'A parameter or the body does not parse; `field` names it',
  401: 'No credentials, or unknown ones',
  403: "Not allowed: another role, a scope outside the token's, or a write carrying the session cookie from a page of another site",
  404: 'No such thing (an unknown scope code, user, alert …)',
  409: 'Someone else changed the alert first',
  413: `The body is larger than 1 MiB (a batch of events: or holds more than ${MAX_BATCH_EVENTS})`,
  415: 'A write carrying the session cookie must send its body as application/json ({} when there is nothing to say)',
  429: 'Too many failed sign-ins; wait for Retry-After seconds',
  500: 'The hub failed (its log says why)',
  503: 'Redis (or, for the export, the browser) is unavailable; retry after Retry-After seconds',
};

/** JSON Schema of a zod schema, as a client sends it (the input of transforms), without `$schema`. */
function inputSchema(schema: z.ZodType): Json {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, { io: 'input', target: 'draft-2020-12' }) as Json;
  return json;
}

/** The OpenAPI form of an Express path: `/alerts/:id` → `/alerts/{id}`. */
export function openApiPath(expressPath: string): string {
  return expressPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function parametersOf(route: ApiRoute): Json[] {
  const params: Json[] = [...route.path.matchAll(/:([A-Za-z0-9_]+)/g)].map(([, name]) => ({
    name,
    in: 'path',
    required: true,
    schema: inputSchema((name && route.params?.[name]) || pathName),
  }));
  for (const h of route.headers ?? []) params.push({ name: h.name, in: 'header', required: false, description: h.description, schema: { type: 'string' } });
  if (route.query) {
    const json = inputSchema(route.query) as { properties?: Record<string, Json>; required?: string[] };
    for (const [name, schema] of Object.entries(json.properties ?? {})) {
      const { description, ...rest } = schema;
      const text = route.queryText?.[name] ?? (typeof description === 'string' ? description : PARAMETER_TEXT[name]);
      params.push({ name, in: 'query', required: json.required?.includes(name) ?? false, schema: rest, ...(text ? { description: text } : {}) });
    }
  }
  return params;
}

function securityOf(access: Access): { security: Json[]; statuses: number[]; note?: string } {
  switch (access.kind) {
    case 'open':
      return { security: [], statuses: [] };
    case 'ingest':
      return { security: [{ ingestToken: [] }, { ingestSignature: [] }], statuses: [401] };
    case 'screen':
      return {
        // {}: open while no screen token exists
        security: [{}, { screenToken: [] }, { screenTokenQuery: [] }, { session: [] }],
        statuses: access.figures ? [401, 403] : [401],
        note:
          'Open while no screen token exists; then a screen token (header or ?token=) or a sign-in' +
          (access.figures ? ', whose scope covers the requested one (403 otherwise).' : '.'),
      };
    case 'session':
      return { security: [{ session: [] }], statuses: [401, 403], note: `Signed in as ${access.roles.join(', ')}.` };
    case 'cookie':
      return { security: [{}, { session: [] }], statuses: [] };
  }
}

function operationOf(route: ApiRoute): Json {
  const { security, statuses, note } = securityOf(route.access);
  const params = parametersOf(route);
  const errors = new Set<number>([...statuses, ...(route.errors ?? [])]);
  if (params.length > 0 || route.body) errors.add(400);
  if (route.body) errors.add(413);
  // browser writes pass the same-origin guard (server/http/same-origin-guard.ts); ingest is mounted before it
  if (route.method !== 'get' && route.access.kind !== 'ingest') {
    errors.add(403);
    if (route.method === 'post' || route.method === 'put') errors.add(415);
  }
  // GET /api/v1/session answers 401 when nobody is signed in
  if (route.access.kind === 'cookie' && route.method === 'get') errors.add(401);
  const okContent: Record<string, Json> = route.answer.content
    ? Object.fromEntries(Object.entries(route.answer.content).map(([type, schema]) => [type, { schema }]))
    : route.answer.body !== undefined
      ? { 'application/json': { schema: typeof route.answer.body === 'string' ? ref(route.answer.body) : route.answer.body } }
      : {};
  const responses: Record<string, Json> = {
    [route.answer.status]: { description: route.answer.description, ...(Object.keys(okContent).length ? { content: okContent } : {}) },
  };
  for (const status of [...errors].sort((a, b) => a - b)) {
    if (status === 503 && route.path === '/healthz') {
      responses[503] = { description: 'Degraded: Redis cannot take events now, or is about to', content: { 'application/json': { schema: ref('Health') } } };
    } else if (status === 409 && route.conflict) {
      responses[409] = { description: STATUS_TEXT[409], content: { 'application/json': { schema: route.conflict } } };
    } else if (status === 409) {
      responses[409] = {
        description: STATUS_TEXT[409],
        content: {
          'application/json': {
            schema: object({
              ok: { const: false },
              code: { enum: [...ALERT_CONFLICT_CODES], description: 'Why, for programs (the console words each code itself)' },
              error: { type: 'string' },
              alert: ref('Alert'),
            }),
          },
        },
      };
    } else {
      responses[status] = { $ref: `#/components/responses/E${status}` };
    }
  }
  const description = [route.description, note].filter(Boolean).join('\n\n');
  return {
    operationId: `${route.method}${openApiPath(route.path)
      .replace(/[{}]/g, '')
      .split(/[/.-]/)
      .filter(Boolean)
      .map((s) => s[0]!.toUpperCase() + s.slice(1))
      .join('')}`,
    tags: [route.tag],
    summary: route.summary,
    ...(description ? { description } : {}),
    security,
    ...(params.length ? { parameters: params } : {}),
    ...(route.body
      ? {
          requestBody: {
            required: route.body.required,
            ...(route.body.description ? { description: route.body.description } : {}),
            content: { 'application/json': { schema: ref(route.body.schema) } },
          },
        }
      : {}),
    responses,
    ...(route.access.kind === 'session' ? { 'x-roles': [...route.access.roles] } : {}),
  };
}

function componentSchemas(): Record<string, Json> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(SCHEMAS)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, { io: 'input', target: 'draft-2020-12', uri: (id) => `#/components/schemas/${id}` });
  const out: Record<string, Json> = {};
  for (const [id, json] of Object.entries(schemas)) {
    const { $schema: _dialect, $id: _id, ...rest } = json as Json;
    out[id] = rest;
  }
  // the event types, told apart by `type`
  out.Event = {
    ...out.Event,
    discriminator: { propertyName: 'type', mapping: Object.fromEntries(EVENT_TYPES.map((t) => [t, `#/components/schemas/Event.${t}`])) },
  };
  return out;
}

function buildDocument(): Json {
  const paths: Record<string, Record<string, Json>> = {};
  for (const route of API_ROUTES) {
    const p = openApiPath(route.path);
    paths[p] ??= {};
    if (paths[p][route.method]) throw new Error(`openapi: ${route.method} ${route.path} is listed twice`);
    paths[p][route.method] = operationOf(route);
  }
  const errorResponse = (status: number): Json => ({
    description: STATUS_TEXT[status],
    ...(status === 429 || status === 503 ? { headers: { 'Retry-After': { description: 'Seconds to wait', schema: { type: 'integer' } } } } : {}),
    content: { 'application/json': { schema: ref('Error') } },
  });
  return {
    openapi: '3.1.0',
    info: {
      title: '阳光政务 hub API',
      version: 'v1',
      description:
        "The hub's HTTP API, generated from the zod schemas it parses requests with (server/http/openapi.ts). " +
        'Prose, examples and the realtime (Socket.IO) contract: docs/api.md, docs/auth.md, docs/alerts.md, docs/cockpit.md, docs/realtime.md. ' +
        'Paths match exactly as written: another case, a trailing or doubled slash is 404. Errors are {"error", "field"?}.',
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    tags: [{ name: 'operations' }, { name: 'ingest' }, { name: 'read' }, { name: 'cockpit' }, { name: 'session' }, { name: 'admin' }, { name: 'alerts' }],
    paths,
    components: {
      schemas: componentSchemas(),
      responses: Object.fromEntries(
        Object.keys(STATUS_TEXT)
          .filter((s) => s !== '409')
          .map((s) => [`E${s}`, errorResponse(Number(s))]),
      ),
      securitySchemes: {
        ingestToken: { type: 'http', scheme: 'bearer', description: "A source's ingest token (INGEST_TOKENS, or rotated by an admin)." },
        ingestSignature: {
          type: 'http',
          scheme: 'YG-HMAC-SHA256',
          description:
            "`YG-HMAC-SHA256 source=<source>, ts=<unix seconds>, nonce=<nonce>, sig=<hex>`: an HMAC of the body keyed by the token's SHA-256 (docs/api.md).",
        },
        screenToken: { type: 'http', scheme: 'bearer', description: 'A screen token (SCREEN_TOKENS, or rotated by an admin).' },
        screenTokenQuery: { type: 'apiKey', in: 'query', name: 'token', description: "A screen token in the URL, as a screen's address carries it." },
        session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE, description: 'The session cookie set by POST /api/v1/session.' },
      },
    },
  };
}

let built: Json | undefined;

/** The document, built once per process. */
export function openApiDocument(): Json {
  built ??= buildDocument();
  return built;
}
