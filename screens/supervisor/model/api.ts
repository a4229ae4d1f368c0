/**
 * The console's calls to the hub: session, alerts, their notifications, bad-review follow-ups, audit. Answers of 4xx carry `{error}` text for
 * the user; a 409 of an alert action carries a `code` instead, which the console words itself.
 */
import type { Alert, AlertConflictCode } from '../../../common/alerts.ts';
import type { AuditEntry, SessionUser } from '../../../common/auth.ts';
import type { DeliveryLogEntry, DeliveryState } from '../../../common/notify.ts';
import type { FollowUpBody, ReviewFollowUp } from '../../../common/reviews.ts';

export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    public readonly status: number,
    message: string,
    public readonly alert?: Alert,
    public readonly code?: AlertConflictCode,
  ) {
    super(message);
  }
}

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(path, {
    method,
    credentials: 'same-origin',
    cache: 'no-store',
    ...(body !== undefined ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}),
  });
  const data = (await res.json().catch(() => ({}))) as T & { error?: string; alert?: Alert; code?: AlertConflictCode };
  if (!res.ok) throw new ApiError(res.status, data.error ?? `HTTP ${res.status}`, data.alert, data.code);
  return data;
}

export async function currentUser(): Promise<SessionUser | null> {
  try {
    return (await call<{ user: SessionUser }>('GET', '/api/v1/session')).user;
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return null;
    throw err;
  }
}

export const signOut = () => call('DELETE', '/api/v1/session');

export function listAlerts(query: Record<string, string>): Promise<{ alerts: Alert[]; now: number }> {
  return call('GET', `/api/v1/alerts?${new URLSearchParams(query).toString()}`);
}

export function getAlert(id: string): Promise<{ alert: Alert }> {
  return call('GET', `/api/v1/alerts/${encodeURIComponent(id)}`);
}

export function actOn(id: string, action: 'ack' | 'resolve' | 'escalate', body: Record<string, unknown> = {}): Promise<{ alert: Alert }> {
  return call('POST', `/api/v1/alerts/${encodeURIComponent(id)}/${action}`, body);
}

export function readAudit(query: Record<string, string>): Promise<{ entries: AuditEntry[] }> {
  return call('GET', `/api/v1/audit?${new URLSearchParams(query).toString()}`);
}

export function getDeliveries(id: string): Promise<{ deliveries: DeliveryState[]; log: DeliveryLogEntry[] }> {
  return call('GET', `/api/v1/alerts/${encodeURIComponent(id)}/deliveries`);
}

/** Records a bad review's follow-up; the hub resolves its alert (409 when it was followed up before). */
export function recordFollowUp(id: string, body: FollowUpBody): Promise<{ followUp: ReviewFollowUp; alert: Alert }> {
  return call('POST', `/api/v1/reviews/${encodeURIComponent(id)}/follow-up`, body);
}
