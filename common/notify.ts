/**
 * The notification configuration (docs/alerts.md, "Notifications"): channels, contacts, the duty
 * roster by level, routes, escalation minutes, quiet hours. One zod schema for `config/notify.json`
 * (NOTIFY_FILE) and for `PUT /api/v1/admin/config/notify`; the same shape in both.
 */
import { z } from 'zod';
import { ALERT_RULES } from './alerts.ts';

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time HH:MM');
const headers = z.record(z.string(), z.string()).default({});
/** Messages a minute through one channel (a WeCom robot takes 20). */
const perMinute = z.number().int().min(1).max(10_000).optional();

export const webhookChannel = z.object({
  type: z.literal('webhook'),
  url: z.url(),
  secret: z.string().min(1).optional(),
  headers,
  perMinute,
});
export const wecomChannel = z.object({ type: z.literal('wecom'), url: z.url(), perMinute });
export const dingtalkChannel = z.object({ type: z.literal('dingtalk'), url: z.url(), secret: z.string().min(1).optional(), perMinute });
export const smsChannel = z.object({
  type: z.literal('sms'),
  /** May hold placeholders ({phone}, {text} …), filled URL-encoded. */
  url: z.string().min(8),
  method: z.enum(['POST', 'PUT', 'GET']).default('POST'),
  headers,
  /** The request body with placeholders: {phone} {text} {subject} {link} {alertId} {rule} {severity} {level} {center} {dept} {window}. */
  body: z.string().default(''),
  /** How a placeholder's value is escaped in the body: inside a JSON string, form-encoded, or as is. */
  bodyEncoding: z.enum(['json', 'form', 'raw']).default('json'),
  /** A 2xx answer counts as sent only if its body matches this regular expression (when given). */
  okPattern: z.string().optional(),
  perMinute,
});
export const emailChannel = z.object({
  type: z.literal('email'),
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535).default(25),
  /** TLS from the start (port 465); otherwise STARTTLS when the server offers it. */
  secure: z.boolean().default(false),
  user: z.string().optional(),
  pass: z.string().optional(),
  from: z.string().min(3),
  perMinute,
});
export const channelSchema = z.discriminatedUnion('type', [webhookChannel, wecomChannel, dingtalkChannel, smsChannel, emailChannel]);
export type NotifyChannel = z.infer<typeof channelSchema>;
export type ChannelType = NotifyChannel['type'];

const code = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'letters, digits, . _ - (at most 64)');

export const contactSchema = z.object({
  name: z.string().min(1).max(40),
  phone: z
    .string()
    .regex(/^\+?\d{5,20}$/)
    .optional(),
  email: z.email().optional(),
  /** WeCom user id, mentioned in a WeCom robot message. */
  wecom: z.string().max(64).optional(),
  /** DingTalk user id, mentioned in a DingTalk robot message (with the phone). */
  dingtalk: z.string().max(64).optional(),
  /** The channels (ids) that reach this person. */
  channels: z.array(code).min(1),
});
export type NotifyContact = z.infer<typeof contactSchema>;

/** The four levels of 分级督办: who is told first, and who next when nobody acknowledges. */
export const DUTY_LEVELS = ['窗口负责人', '科室负责人', '中心效能监察', '分管领导'] as const;

export const dutySchema = z.object({
  center: z.string().min(1),
  /** A department code; absent: the whole center. */
  dept: z.string().min(1).optional(),
  /** 1 窗口负责人, 2 科室负责人, 3 中心效能监察, 4 分管领导. */
  level: z.number().int().min(1).max(DUTY_LEVELS.length),
  contacts: z.array(code).min(1),
  /** ISO weekdays on duty (1 Monday … 7 Sunday); absent: every day. */
  days: z.array(z.number().int().min(1).max(7)).optional(),
  /** On duty from-to, Asia/Shanghai (to before from: overnight); absent: all day. */
  from: hhmm.optional(),
  to: hhmm.optional(),
});
export type DutyEntry = z.infer<typeof dutySchema>;

export const routeSchema = z.object({
  centers: z.array(z.string()).optional(),
  depts: z.array(z.string()).optional(),
  rules: z.array(z.enum(ALERT_RULES)).optional(),
  severities: z.array(z.enum(['yellow', 'red'])).optional(),
  /** Level-1 contacts, besides the roster's 窗口负责人 on duty. */
  contacts: z.array(code).default([]),
  /** false: level 1 only, no escalation to further levels. */
  escalate: z.boolean().default(true),
});
export type NotifyRoute = z.infer<typeof routeSchema>;

/**
 * Who gets the scheduled reports (docs/reports.md, "Sending"): each rule sends the reports of its
 * kinds and scopes to its contacts, through the contacts' channels (or only those of `channels`).
 */
export const reportRecipientSchema = z.object({
  kinds: z.array(z.enum(['daily', 'monthly'])).min(1),
  /** The scopes the schedule makes: `city` and `center:<code>`. */
  scopes: z.array(z.string().regex(/^(city|center:[A-Za-z0-9._-]{1,64})$/, 'city or center:<code>')).min(1),
  contacts: z.array(code).min(1),
  /** Only these of each contact's channels; absent: all of them. */
  channels: z.array(code).min(1).optional(),
});
export type ReportRecipient = z.infer<typeof reportRecipientSchema>;

export const notifyConfigSchema = z
  .object({
    channels: z.record(code, channelSchema).default({}),
    contacts: z.record(code, contactSchema).default({}),
    roster: z.array(dutySchema).default([]),
    routes: z.array(routeSchema).default([]),
    /** Minutes without acknowledgement before each level passes to the next (fractions allowed). */
    levels: z
      .array(
        z.object({
          name: z.string().min(1),
          minutes: z
            .number()
            .positive()
            .max(7 * 24 * 60),
        }),
      )
      .min(1)
      .max(DUTY_LEVELS.length)
      .default(DUTY_LEVELS.map((name, i) => ({ name, minutes: [5, 15, 30, 60][i]! }))),
    /** Yellow cards wait for the end of quiet hours; red ones are sent at once. */
    quietHours: z.object({ from: hhmm, to: hhmm }).optional(),
    /** Yellow cards of one department to one person within this many seconds go as one message (0: never). */
    batchYellowSeconds: z.number().int().min(0).max(600).default(60),
    /** Who gets the scheduled 日报 and 月报 (none by default). */
    reports: z.array(reportRecipientSchema).default([]),
  })
  .superRefine((c, ctx) => {
    for (const [id, contact] of Object.entries(c.contacts)) {
      for (const ch of contact.channels)
        if (!c.channels[ch]) ctx.addIssue({ code: 'custom', path: ['contacts', id, 'channels'], message: `unknown channel "${ch}"` });
    }
    const known = (ids: string[], path: (string | number)[]) => {
      for (const id of ids) if (!c.contacts[id]) ctx.addIssue({ code: 'custom', path, message: `unknown contact "${id}"` });
    };
    c.roster.forEach((d, i) => known(d.contacts, ['roster', i, 'contacts']));
    c.routes.forEach((r, i) => known(r.contacts, ['routes', i, 'contacts']));
    c.reports.forEach((r, i) => {
      known(r.contacts, ['reports', i, 'contacts']);
      for (const ch of r.channels ?? [])
        if (!Object.hasOwn(c.channels, ch)) ctx.addIssue({ code: 'custom', path: ['reports', i, 'channels'], message: `unknown channel "${ch}"` });
    });
  });
export type NotifyConfig = z.infer<typeof notifyConfigSchema>;
export type NotifyConfigInput = z.input<typeof notifyConfigSchema>;

/**
 * A channel or contact by id, own keys only: ids come from requests and from configuration an
 * admin PUTs, and a plain lookup would answer `constructor` or `toString` with Object's own.
 */
export function channelOf(config: NotifyConfig, id: string): NotifyChannel | null {
  return Object.hasOwn(config.channels, id) ? config.channels[id]! : null;
}

export function contactOf(config: NotifyConfig, id: string): NotifyContact | null {
  return Object.hasOwn(config.contacts, id) ? config.contacts[id]! : null;
}

/** What a delivery went through, newest last (GET /api/v1/alerts/:id/deliveries). */
export type DeliveryOutcome = 'queued' | 'sent' | 'failed' | 'retry' | 'gave-up' | 'deferred';

/**
 * The contact of a delivery to a group destination (a robot, a webhook): one message for everyone
 * the channel reaches at a level, listed in `contacts` (no contact id is `*`).
 */
export const GROUP_CONTACT = '*';

export interface DeliveryLogEntry {
  at: number;
  /** `<alert>|<level>|<contact>|<channel>`; a group destination's: `<alert>|<level>|*|<channel>` */
  delivery: string;
  level: number;
  /** The contact id, or `*` for a group destination (then `contacts`). */
  contact: string;
  /** The contact's name; a group destination's: its contacts' names joined with 、 */
  name: string;
  /** A group destination's contacts (ids). */
  contacts?: string[];
  channel: string;
  outcome: DeliveryOutcome;
  attempt: number;
  /** The receiver's answer or the error, for failures; "batched with N" for a batched yellow. */
  detail?: string;
}

export interface DeliveryState {
  delivery: string;
  level: number;
  /** The contact id, or `*` for a group destination (then `contacts`). */
  contact: string;
  name: string;
  contacts?: string[];
  channel: string;
  state: 'pending' | 'sent' | 'gave-up';
  attempts: number;
  createdAt: number;
  nextAt?: number;
  sentAt?: number;
  lastError?: string;
}
