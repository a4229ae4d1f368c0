/**
 * The auth contract (docs/auth.md) shared by the hub and the consoles: roles, the signed-in user
 * of GET /api/v1/session, and the entries of GET /api/v1/audit.
 */

export const USER_ROLES = ['leader', 'supervisor', 'admin'] as const;
export type UserRole = (typeof USER_ROLES)[number];

/** GET /api/v1/session */
export interface SessionUser {
  username: string;
  name: string;
  role: UserRole;
  depts: string[];
}

/** The departments a user may see and act in: a supervisor's own; null means all (leaders, admins). */
export function visibleDepts(user: SessionUser): string[] | null {
  return user.role === 'supervisor' ? user.depts : null;
}

/** One entry of the audit trail (GET /api/v1/audit). */
export interface AuditEntry {
  id: string;
  at: number;
  actor: string;
  action: string;
  target: string;
  ip: string;
  /** The department of an alert action's alert. */
  dept?: string;
  detail?: Record<string, unknown>;
}

/** A user as the admin list shows it (GET /api/v1/users). */
export type ListedUser = SessionUser & { createdAt: number; disabled: boolean; lastSignIn: number | null };

/** A token as the admin list shows it (GET /api/v1/tokens); never the token itself. */
export interface TokenInfo {
  name: string;
  origin: 'env' | 'rotated' | 'revoked';
  at?: number;
  by?: string;
  /** Screen tokens: the scope read (null: city). */
  scope?: string | null;
  /** Ingest tokens: centers and event types it may send (null: all). */
  centers?: string[] | null;
  types?: string[] | null;
  /** Why a rotated token does not work as expected (made with another hub secret, or bearer only). */
  note?: string;
  /** When the token last authenticated (to the minute: written at most once a minute); null: not seen. */
  lastUsed: number | null;
  /** Ingest tokens: when the hub last received an event of the source (`sourceSeen`); null: none yet. */
  lastEventAt?: number | null;
}
