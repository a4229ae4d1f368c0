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
