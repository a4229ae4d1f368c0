/**
 * Who is looking at the cockpit. Leaders and admins see it; anyone else is sent to sign in. A hub
 * without the sign-in API (404) is a development hub: the cockpit opens (the cockpit's own APIs
 * are protected on the server whenever sign-in exists).
 */
import type { SessionUser } from '../../../common/alerts.ts';

export type Access =
  | { kind: 'allowed'; user: SessionUser | null }
  | { kind: 'signin'; reason: 'anonymous' | 'role'; user: SessionUser | null };

export const COCKPIT_ROLES: readonly string[] = ['leader', 'admin'];

export async function checkAccess(): Promise<Access> {
  const res = await fetch('/api/v1/session', { cache: 'no-store', credentials: 'same-origin' });
  if (res.status === 404) return { kind: 'allowed', user: null };
  if (res.status === 401) return { kind: 'signin', reason: 'anonymous', user: null };
  if (!res.ok) throw new Error(`session: HTTP ${res.status}`);
  const body = (await res.json()) as { user?: SessionUser };
  const user = body.user ?? null;
  if (user && COCKPIT_ROLES.includes(user.role)) return { kind: 'allowed', user };
  return { kind: 'signin', reason: 'role', user };
}

export async function signIn(username: string, password: string): Promise<string | null> {
  const res = await fetch('/api/v1/session', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (res.ok) return null;
  if (res.status === 401) return '用户名或密码不正确';
  if (res.status === 429) return '尝试次数过多，请稍后再试';
  return `登录失败（${res.status}）`;
}
