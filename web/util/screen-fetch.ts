/**
 * fetch() for a wall screen's HTTP reads: carries the screen token of the page URL (`?token=`) so
 * the hub's read guard lets it through once screen tokens are configured.
 */
export function screenFetch(path: string, init: RequestInit = {}): Promise<Response> {
  const token = new URLSearchParams(location.search).get('token');
  if (!token) return fetch(path, init);
  const headers = new Headers(init.headers);
  headers.set('authorization', `Bearer ${token}`);
  return fetch(path, { ...init, headers });
}
