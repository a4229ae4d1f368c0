/**
 * The config API (docs/admin.md): GET a section with its version (ETag), PUT it back with
 * If-Match. A 400 carries every problem (`issues`, each with a dotted `path`), a 409 the current
 * version; the console shows them at the fields and as a conflict banner.
 */
import type { ConfigIssue, ConfigSection } from '../../../common/config-sections.ts';
import { fetchNotingHubTime } from '../../../web/hub-clock.ts';

export type { ConfigIssue, ConfigSection };

export type SaveOutcome =
  | { kind: 'saved'; version: string }
  | { kind: 'invalid'; error: string; issues: ConfigIssue[] }
  | { kind: 'conflict'; error: string; version: number | null }
  | { kind: 'failed'; status: number; error: string };

export class ConfigLoadError extends Error {
  override name = 'ConfigLoadError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const etagOf = (res: Response) => res.headers.get('etag');

export async function loadSection<T>(section: ConfigSection): Promise<{ data: T; etag: string | null }> {
  // the answer's Date header tells the page's hub clock the hub's time (web/hub-clock.ts): the sections' "today"
  const res = await fetchNotingHubTime(`/api/v1/admin/config/${section}`, { credentials: 'same-origin', cache: 'no-store' });
  const body = (await res.json().catch(() => ({}))) as T & { error?: string };
  if (!res.ok) throw new ConfigLoadError(res.status, body.error ?? `HTTP ${res.status}`);
  return { data: body, etag: etagOf(res) };
}

export async function saveSection(section: ConfigSection, data: unknown, etag: string | null): Promise<SaveOutcome> {
  let res: Response;
  try {
    res = await fetch(`/api/v1/admin/config/${section}`, {
      method: 'PUT',
      credentials: 'same-origin',
      cache: 'no-store',
      headers: { 'content-type': 'application/json', ...(etag ? { 'if-match': etag } : {}) },
      body: JSON.stringify(data),
    });
  } catch {
    return { kind: 'failed', status: 0, error: '无法连接服务器' };
  }
  const body = (await res.json().catch(() => ({}))) as {
    error?: string;
    field?: string;
    issues?: ConfigIssue[];
    version?: number;
  };
  if (res.ok) return { kind: 'saved', version: etagOf(res) ?? `"${body.version ?? ''}"` };
  if (res.status === 409) return { kind: 'conflict', error: body.error ?? '', version: body.version ?? null };
  if (res.status === 400) {
    const issues = body.issues ?? (body.field ? [{ path: body.field, message: body.error ?? '' }] : []);
    return { kind: 'invalid', error: body.error ?? '', issues };
  }
  return { kind: 'failed', status: res.status, error: body.error ?? `HTTP ${res.status}` };
}
