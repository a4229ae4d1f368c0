/** Users, tokens and the audit trail (docs/auth.md): the admin routes the console calls. */
import type { AuditEntry, ListedUser, SessionUser, TokenInfo, UserRole } from '../../../common/auth.ts';

export type { ListedUser, TokenInfo };
import { jsonCall } from '../../../web/util/json-call.ts';

const seg = encodeURIComponent;

export const currentUser = async (): Promise<SessionUser | null> => {
  const res = await fetch('/api/v1/session', { credentials: 'same-origin', cache: 'no-store' });
  if (res.status === 401) return null;
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return ((await res.json()) as { user: SessionUser }).user;
};
export const signOut = () => jsonCall('DELETE', '/api/v1/session');

export const listUsers = () => jsonCall<{ users: ListedUser[] }>('GET', '/api/v1/users');
export const createUser = (u: { username: string; password: string; role: UserRole; name?: string; depts: string[] }) =>
  jsonCall<{ user: SessionUser }>('POST', '/api/v1/users', u);
export const changeUser = (username: string, change: { role?: UserRole; depts?: string[]; name?: string }) =>
  jsonCall<{ user: SessionUser }>('PATCH', `/api/v1/users/${seg(username)}`, change);
export const setDisabled = (username: string, disabled: boolean) => jsonCall('POST', `/api/v1/users/${seg(username)}/disabled`, { disabled });
export const setPassword = (username: string, password: string) => jsonCall('POST', `/api/v1/users/${seg(username)}/password`, { password });
export const endSessions = (username: string) => jsonCall<{ ended: number }>('POST', `/api/v1/users/${seg(username)}/sessions/end`, {});

export const listTokens = () => jsonCall<{ ingest: TokenInfo[]; screen: TokenInfo[] }>('GET', '/api/v1/tokens');
export const rotateIngest = (source: string, scope: { centers?: string[] | null; types?: string[] | null }) =>
  jsonCall<{ token: string }>('POST', `/api/v1/tokens/ingest/${seg(source)}/rotate`, scope);
export const rotateScreen = (name: string, scope: string | null) => jsonCall<{ token: string }>('POST', `/api/v1/tokens/screen/${seg(name)}/rotate`, { scope });
export const scopeIngest = (source: string, scope: { centers: string[] | null; types: string[] | null }) =>
  jsonCall('PATCH', `/api/v1/tokens/ingest/${seg(source)}`, scope);
export const scopeScreen = (name: string, scope: string | null) => jsonCall('PATCH', `/api/v1/tokens/screen/${seg(name)}`, { scope });
export const revoke = (kind: 'ingest' | 'screen', name: string) => jsonCall('POST', `/api/v1/tokens/${kind}/${seg(name)}/revoke`, {});

export const readAudit = (query: Record<string, string>) =>
  jsonCall<{ entries: AuditEntry[] }>('GET', `/api/v1/audit?${new URLSearchParams(query).toString()}`);
