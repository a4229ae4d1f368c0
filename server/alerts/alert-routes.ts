/**
 * Alert API (docs/alerts.md): list and read alerts, acknowledge, resolve with a note, escalate.
 * For signed-in supervisors (their departments only: 403 otherwise, alert-access.ts), leaders and
 * admins. Two people acting at once: the first changes the alert, the second gets 409 with a code
 * (`AlertConflictCode`, common/alerts.ts) and the alert as it is.
 */
import type { Router } from 'express';
import { z } from 'zod';
import { requireRole, userOf, clientIp } from '../auth/middleware.ts';
import type { Auth } from '../auth/auth-service.ts';
import { InputError } from '../domain-errors.ts';
import type { AlertActionName, AlertStore } from './alert-store.ts';
import { listedDepts, visibleAlert } from './alert-access.ts';
import { apiRouter } from '../http/api-router.ts';
import { alertListQuery, pathName } from '../../common/api-queries.ts';
import { parsePathParam, parseQuery } from '../http/parse-request.ts';

export const noteSchema = z.object({ note: z.string().trim().min(1, 'a note is required: say what was done').max(1000) });
export const escalateSchema = z.object({ note: z.string().trim().max(1000).optional(), level: z.number().int().min(0).optional() });

export function alertRouter(auth: Auth, store: AlertStore, now: () => number): Router {
  const router = apiRouter();
  const signedIn = requireRole(auth, 'supervisor', 'leader', 'admin');

  router.get('/api/v1/alerts', signedIn, async (req, res) => {
    const q = parseQuery(req, alertListQuery);
    const alerts = await store.list({
      states: q.state,
      depts: listedDepts(userOf(req), q.dept),
      rule: q.rule,
      severity: q.severity,
      window: q.window,
      from: q.from,
      to: q.to,
      limit: q.limit,
    });
    // `now`: the hub's clock, so a console shows how long an alert has been open whatever its PC's clock says
    res.json({ alerts, now: now() });
  });

  router.get('/api/v1/alerts/:id', signedIn, async (req, res) => {
    res.json({ alert: await visibleAlert(store, userOf(req), parsePathParam(req, 'id', pathName)) });
  });

  const action = (name: AlertActionName) =>
    router.post(`/api/v1/alerts/:id/${name}`, signedIn, async (req, res) => {
      const user = userOf(req);
      const id = parsePathParam(req, 'id', pathName);
      await visibleAlert(store, user, id);
      let note = '';
      let level: number | undefined;
      if (name === 'resolve') {
        const body = noteSchema.safeParse(req.body ?? {});
        if (!body.success) throw new InputError(body.error.issues[0]?.message ?? 'a note is required', 'note');
        note = body.data.note;
      } else if (name === 'escalate') {
        const body = escalateSchema.safeParse(req.body ?? {});
        if (!body.success) throw new InputError('send {"note"?: "...", "level"?: <the level you saw>}', 'body');
        note = body.data.note ?? '';
        level = body.data.level;
      }
      res.json({ ok: true, alert: await store.act(id, name, { username: user.username, ip: clientIp(req) }, note, level) });
    });
  action('ack');
  action('resolve');
  action('escalate');
  return router;
}
