/** Users and sessions for the cockpit tests, through the hub's real sign-in API. */
import type { UserRole } from '../../common/auth.ts';
import type { Hub } from '../../server/hub.ts';

export const PASSWORD = 'cockpit-test-password-2026';

/** Creates a user and signs in; returns the Cookie header value of the session. */
export async function signedIn(hub: Hub, username: string, role: UserRole, depts: string[] = []): Promise<string> {
  await hub.auth.users.create({ username, password: PASSWORD, role, depts });
  const res = await fetch(`${hub.url}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: PASSWORD }),
  });
  if (!res.ok) throw new Error(`sign-in of ${username}: ${res.status} ${await res.text()}`);
  const setCookie = res.headers.get('set-cookie') ?? '';
  return setCookie.split(';')[0]!;
}

export async function getAs<T>(hub: Hub, path: string, cookie: string | null): Promise<{ status: number; body: T }> {
  const res = await fetch(`${hub.url}${path}`, { headers: cookie ? { cookie } : {} });
  const type = res.headers.get('content-type') ?? '';
  const body = (type.includes('json') ? await res.json() : Buffer.from(await res.arrayBuffer())) as T;
  return { status: res.status, body };
}
