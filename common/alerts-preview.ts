/**
 * The alert-rules preview (docs/admin.md#previewing-alert-rules): what a proposed `alerts` section
 * would have raised on a past day whose events the hub still keeps, beside what the current one
 * raised. Shared by the hub (server/config-store/alerts-preview.ts) and the admin console.
 */
import { z } from 'zod';
import type { AlertRule, Severity } from './alerts.ts';

/** POST /api/v1/admin/config/alerts/preview: the edited section (checked like a PUT) and the day. */
export const alertsPreviewBody = z
  .object({
    /** The `alerts` section as it would be stored (the shape of config/alerts.json). */
    alerts: z.unknown(),
    /** The day to replay, Asia/Shanghai. */
    date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD'),
  })
  .strict();
export type AlertsPreviewBody = z.infer<typeof alertsPreviewBody>;

/** One alert the rules would have opened (opened and later closed by its cause counts too). */
export interface PreviewAlert {
  rule: AlertRule;
  severity: Severity;
  subject: string;
  center: string;
  dept: string | null;
  window: string | null;
  /** When its cause began (event time): the ticket issued, the window closed … */
  since: number;
  /** When the replayed engine opened it (the day's clock). */
  openedAt: number;
}

export interface AlertsPreview {
  date: string;
  /** With the proposed section, in the order opened. */
  alerts: PreviewAlert[];
  /** With the section every hub applies now. */
  current: PreviewAlert[];
  /** The day's events the rules watch, replayed for each. */
  events: number;
}
