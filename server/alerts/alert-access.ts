/**
 * Who may see and act on which alerts: a supervisor those of the departments they supervise,
 * leaders and admins all of them. Asking for more is refused (403), not quietly narrowed.
 */
import type { Alert } from '../../common/alerts.ts';
import { visibleDepts, type SessionUser } from '../../common/auth.ts';
import { Forbidden, NotFound } from '../domain-errors.ts';
import type { AlertStore } from './alert-store.ts';

export function mayAct(user: SessionUser, alert: Alert): boolean {
  const depts = visibleDepts(user);
  return depts === null || (alert.dept !== null && depts.includes(alert.dept));
}

/** The departments a list covers: those asked for, which must be the user's own; else all the user may see (null: all). */
export function listedDepts(user: SessionUser, asked: string[] | undefined): string[] | null {
  const allowed = visibleDepts(user);
  if (asked && allowed && asked.some((d) => !allowed.includes(d)))
    throw new Forbidden('you supervise other departments; ask for yours or leave dept out', 'dept');
  return asked ?? allowed;
}

/** The alert, if it exists (404) and the user may see it (403). */
export async function visibleAlert(store: AlertStore, user: SessionUser, id: string): Promise<Alert> {
  const alert = await store.get(id);
  if (!alert) throw new NotFound('no such alert');
  if (!mayAct(user, alert)) throw new Forbidden('this alert belongs to a department you do not supervise');
  return alert;
}
