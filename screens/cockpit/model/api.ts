/** JSON reads of the hub's HTTP API for the cockpit, with the hub's error message on failure. */
import { fetchNotingHubTime } from '../../../web/hub-clock.ts';

export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    public readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export async function getJson<T>(path: string, params: Record<string, string | undefined> = {}): Promise<T> {
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) query.set(k, v);
  const qs = query.toString();
  // each answer's Date header also tells the page's hub clock the hub's time (web/hub-clock.ts)
  const res = await fetchNotingHubTime(qs ? `${path}?${qs}` : path, { cache: 'no-store', credentials: 'same-origin' });
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as { error?: string } | null;
    throw new ApiError(res.status, body?.error ?? `HTTP ${res.status}`);
  }
  return (await res.json()) as T;
}
