/**
 * Alert API (DESIGN section 8): list and read alerts, acknowledge, resolve with a note, escalate.
 * For signed-in supervisors (their departments only: 403 otherwise), leaders and admins.
 * Two people acting at once: the first changes the alert, the second gets 409 with the alert as it is.
 */
import { Router, type Request } from 'express';
import { z } from 'zod';
import type { Alert, SessionUser } from '../../common/alerts.ts';
import { requireRole, userOf, visibleDepts, clientIp } from '../auth/middleware.ts';
import type { Auth } from '../auth/auth-service.ts';
import { HttpError } from '../http/http-error.ts';
import { isRule, parseStates, type AlertActionName, type AlertStore } from './alert-store.ts';

const noteSchema = z.object({ note: z.string().trim().min(1, 'a note is required: say what was done').max(1000) });
const escalateSchema = z.object({ note: z.string().trim().max(1000).optional(), level: z.number().int().min(0).optional() });

function mayAct(user: SessionUser, alert: Alert): boolean {
  const depts = visibleDepts(user);
  return depts === null || (alert.dept !== null && depts.includes(alert.dept));
}

const lastBy = (a: Alert, action: string) => [...a.history].reverse().find((s) => s.action === action)?.by;

const CONFLICT_TEXT: Record<string, (a: Alert) => string> = {
  acknowledged: (a) => `already acknowledged by ${lastBy(a, 'acknowledged') ?? 'someone'}`,
  resolved: (a) => `already resolved by ${lastBy(a, 'resolved') ?? 'someone'}`,
  closed: () => 'already closed: its cause ended',
  level: (a) => `someone escalated it meanwhile; it is now at level ${a.level}`,
  'top-level': () => 'it is already at the highest level',
};

export function alertRouter(auth: Auth, store: AlertStore, now: () => number): Router {
  const router = Router();
  const signedIn = requireRole(auth, 'supervisor', 'leader', 'admin');

  router.get('/api/v1/alerts', signedIn, async (req, res) => {
    const user = userOf(req);
    const str = (k: string) => (typeof req.query[k] === 'string' && req.query[k] ? (req.query[k] as string) : undefined);
    const time = (k: string) => {
      const v = str(k);
      if (v === undefined) return undefined;
      const n = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
      if (Number.isNaN(n)) throw new HttpError(400, `${k} must be epoch ms or an ISO 8601 time`, k);
      return n;
    };
    const states = parseStates(str('state'));
    if (str('state') && !states) throw new HttpError(400, 'state must be open, acknowledged, resolved, closed or active (open and acknowledged), comma-separated', 'state');
    const rule = str('rule');
    if (rule && !isRule(rule)) throw new HttpError(400, `unknown rule "${rule}"`, 'rule');
    const severity = str('severity');
    if (severity && severity !== 'yellow' && severity !== 'red') throw new HttpError(400, 'severity must be yellow or red', 'severity');
    const allowed = visibleDepts(user);
    const asked = str('dept')?.split(',');
    if (asked && allowed && asked.some((d) => !allowed.includes(d))) throw new HttpError(403, 'you supervise other departments; ask for yours or leave dept out', 'dept');
    const alerts = await store.list({
      states, depts: asked ?? allowed, ...(rule && isRule(rule) ? { rule } : {}), ...(severity ? { severity: severity as 'yellow' | 'red' } : {}),
      window: str('window'), from: time('from'), to: time('to'), limit: time('limit'),
    });
    // `now`: the hub's clock, so a console shows how long an alert has been open whatever its PC's clock says
    res.json({ alerts, now: now() });
  });

  router.get('/api/v1/alerts/:id', signedIn, async (req, res) => {
    res.json({ alert: await visibleAlert(req) });
  });

  const action = (name: AlertActionName) => router.post(`/api/v1/alerts/:id/${name}`, signedIn, async (req, res) => {
    const user = userOf(req);
    await visibleAlert(req);
    let note = '';
    let level: number | undefined;
    if (name === 'resolve') {
      const body = noteSchema.safeParse(req.body ?? {});
      if (!body.success) throw new HttpError(400, body.error.issues[0]?.message ?? 'a note is required', 'note');
      note = body.data.note;
    } else if (name === 'escalate') {
      const body = escalateSchema.safeParse(req.body ?? {});
      if (!body.success) throw new HttpError(400, 'send {"note"?: "...", "level"?: <the level you saw>}', 'body');
      note = body.data.note ?? '';
      level = body.data.level;
    }
    const result = await store.act(String(req.params.id), name, { username: user.username, ip: clientIp(req) }, note, level);
    if (result.status === 'missing') throw new HttpError(404, 'no such alert');
    if (result.status === 'conflict') {
      res.status(409).json({ ok: false, error: (CONFLICT_TEXT[result.reason] ?? (() => `not possible in state ${result.alert.state}`))(result.alert), alert: result.alert });
      return;
    }
    res.json({ ok: true, alert: result.alert });
  });
  action('ack');
  action('resolve');
  action('escalate');

  async function visibleAlert(req: Request): Promise<Alert> {
    const alert = await store.get(String(req.params.id));
    if (!alert) throw new HttpError(404, 'no such alert');
    if (!mayAct(userOf(req), alert)) throw new HttpError(403, 'this alert belongs to a department you do not supervise');
    return alert;
  }
  return router;
}
