/**
 * Who is looking at the cockpit. Leaders and admins see it; anyone else is sent to sign in (the
 * cockpit's own APIs are protected on the server too).
 */
import type { SessionUser } from '../../../common/auth.ts';

export type Access = { kind: 'allowed'; user: SessionUser } | { kind: 'signin'; reason: 'anonymous' | 'role'; user: SessionUser | null };

export const COCKPIT_ROLES: readonly string[] = ['leader', 'admin'];

let early: Promise<Response> | null = null;

/** Sends the session check as the page boots, beside the early overview, before Vue has mounted. */
export function startEarlySessionCheck(): void {
  early = fetch('/api/v1/session', { cache: 'no-store', credentials: 'same-origin' });
  early.catch(() => undefined); // a failure is seen (and retried) by checkAccess
}

export async function checkAccess(): Promise<Access> {
  // the first check uses the request sent at boot; a later one (after signing in) asks again
  const pending = early;
  early = null;
  const res = await (pending ?? fetch('/api/v1/session', { cache: 'no-store', credentials: 'same-origin' }));
  if (res.status === 401) return { kind: 'signin', reason: 'anonymous', user: null };
  if (!res.ok) throw new Error(`session: HTTP ${res.status}`);
  const body = (await res.json()) as { user?: SessionUser };
  const user = body.user ?? null;
  if (user && COCKPIT_ROLES.includes(user.role)) return { kind: 'allowed', user };
  return { kind: 'signin', reason: 'role', user };
}

/** Why the sign-in form is shown to an account that is signed in already; null for a visitor. */
export function refusal(access: Access): string | null {
  if (access.kind !== 'signin' || access.reason !== 'role') return null;
  return `当前账号（${access.user?.username ?? ''}）无权查看领导驾驶舱，请使用领导或管理员账号登录`;
}
