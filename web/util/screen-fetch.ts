import { fetchNotingHubTime } from '../hub-clock.ts';

/**
 * fetch() for a wall screen's HTTP reads: carries the screen token of the page URL (`?token=`) so
 * the hub's read guard lets it through once screen tokens are configured. Each answer's `Date`
 * header is noted on the page's hub clock (web/hub-clock.ts): a replay page has no other.
 */
export function screenFetch(path: string, init: RequestInit = {}): Promise<Response> {
  const token = new URLSearchParams(location.search).get('token');
  if (!token) return fetchNotingHubTime(path, init);
  const headers = new Headers(init.headers);
  headers.set('authorization', `Bearer ${token}`);
  return fetchNotingHubTime(path, { ...init, headers });
}
