/**
 * A JSON call to the hub from a signed-in console page: the session cookie goes along
 * (same-origin), nothing is cached, and a 4xx/5xx becomes a `JsonCallError` carrying the hub's
 * `{error, field}` text for the user.
 */
import { fetchNotingHubTime } from '../hub-clock.ts';

export class JsonCallError extends Error {
  override name = 'JsonCallError';
  constructor(
    readonly status: number,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

export async function jsonCall<T>(method: string, path: string, body?: unknown): Promise<T> {
  // the answer's Date header tells the page's hub clock (web/hub-clock.ts) the hub's time
  const res = await fetchNotingHubTime(path, {
    method,
    credentials: 'same-origin',
    cache: 'no-store',
    ...(body !== undefined ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}),
  });
  const data = (await res.json().catch(() => ({}))) as T & { error?: string; field?: string };
  if (!res.ok) throw new JsonCallError(res.status, data.error ?? `HTTP ${res.status}`, data.field);
  return data;
}
