/**
 * The screen fleet contract (docs/screens.md#the-fleet), shared by the hub, the screens and the
 * admin console: what a screen reports over `/live`, what `GET /api/v1/screens` answers, and the
 * commands an admin sends to screens.
 */
import { z } from 'zod';

/** A screen's id (its token's name, or `?screen=`) and a group name: short, URL- and key-safe. */
export const SCREEN_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;
export const screenIdSchema = z.string().regex(SCREEN_ID_PATTERN, 'a screen id is 1-64 of A-Z a-z 0-9 . _ -');

/** A screen is online while its last report is at most this old (the 90 s). */
export const FLEET_ONLINE_MS = 90_000;
/** How often a screen reports (`?reportEvery=` seconds overrides, at least 1). */
export const FLEET_REPORT_EVERY_MS = 30_000;
/** A command not delivered within this time is dropped (an offline screen that returns later does not get it). */
export const FLEET_COMMAND_TTL_MS = 10 * 60_000;

/** The group of a screen without `?group=`: its id up to the last `-` (`hall-1` → `hall`), or the id itself. */
export function defaultGroupOf(id: string): string {
  const cut = id.lastIndexOf('-');
  return cut > 0 ? id.slice(0, cut) : id;
}

const size = z.object({ w: z.number().int().min(0).max(100_000), h: z.number().int().min(0).max(100_000) }).strict();
const figure = z.number().finite().min(0).max(1e9);

/** What a screen emits as `screen:report` (every 30 s and at each connect). */
export const screenReportSchema = z
  .object({
    /** `?screen=`; ignored when the socket came with a screen token (the token's name is the id). */
    id: screenIdSchema.optional(),
    group: screenIdSchema.optional(),
    /** The page's path and query without the token, e.g. `/screens/hall?screen=hall-1`. */
    page: z.string().max(300),
    scopes: z.array(z.string().max(100)).max(32),
    canvas: size.nullable(),
    viewport: size,
    build: z.string().max(64),
    uptimeS: figure,
    heapMB: figure.nullable(),
    heapLimitMB: figure.nullable(),
    fps: figure.nullable(),
    lastUpdateAgeS: figure.nullable(),
    reconnects: z.number().int().min(0).max(1e9),
  })
  .strict();
export type ScreenReport = z.infer<typeof screenReportSchema>;

/** One screen of `GET /api/v1/screens`. */
export interface FleetScreen extends Omit<ScreenReport, 'id' | 'group'> {
  id: string;
  group: string;
  /** A report within the online window and no clean disconnect since. */
  online: boolean;
  /** ISO time of the last report (the hub's clock). */
  lastSeen: string;
  /** How the id was given: a screen token's name, or `?screen=` on an open hub. */
  via: 'token' | 'param';
  /** Commands queued for it and not yet delivered. */
  pendingCommands: number;
}

export interface FleetAnswer {
  screens: FleetScreen[];
  online: number;
  offline: number;
  /** The hub's clock, ms. */
  now: number;
}

const forbiddenSegment = (s: string) => s === '.' || s === '..' || /%2e|%2f|%5c/i.test(s);

/**
 * `navigate` goes only to another screen page of this hub: a path under `/screens/`, no `//`, no
 * `..`, no scheme, no backslash, a plain query at most. The screen assigns it as a path, so
 * nothing else can be reached through it.
 */
export const screenPathSchema = z
  .string()
  .max(300)
  .regex(/^\/screens\/[A-Za-z0-9._~/-]*(\?[A-Za-z0-9._~=&%:,-]*)?$/, 'a path under /screens/, e.g. /screens/window/5')
  .refine((p) => !p.includes('//'), 'no // in the path')
  .refine((p) => !(p.split('?')[0] ?? '').split('/').some(forbiddenSegment), 'no . or .. segments in the path');

export const FLEET_COMMANDS = ['reload', 'navigate', 'identify'] as const;
export type FleetCommandName = (typeof FLEET_COMMANDS)[number];

export const fleetCommandSchema = z.discriminatedUnion('command', [
  z.object({ command: z.literal('reload') }).strict(),
  z.object({ command: z.literal('navigate'), path: screenPathSchema }).strict(),
  z.object({ command: z.literal('identify') }).strict(),
]);
export type FleetCommandBody = z.infer<typeof fleetCommandSchema>;

/** `POST /api/v1/screens/commands`: the command's fields and, next to them, `group` or `ids`. */
export const fleetTargetSchema = z
  .object({ group: screenIdSchema.optional(), ids: z.array(screenIdSchema).min(1).max(500).optional() })
  .refine((t) => (t.group === undefined) !== (t.ids === undefined), { message: 'name the screens: "group" or "ids", one of them', path: ['group'] });

/** A command as the screen gets it (`screen:command`) and as the API answers it. */
export interface FleetCommand {
  id: string;
  screen: string;
  command: FleetCommandName;
  path?: string;
  issuedAt: number;
  expiresAt: number;
  by: string;
  status: 'pending' | 'delivered' | 'expired';
  deliveredAt?: number;
}

/** What the screen acknowledges (`screen:ack`) once it has a command in hand, before acting on it. */
export const commandAckSchema = z.object({ id: z.string().regex(/^[A-Za-z0-9-]{1,64}$/) }).strict();
