/**
 * The fleet API (admins; docs/screens.md#the-fleet, docs/api.md): the screens that reported, the
 * commands of one screen, sending commands to a screen, a group or a list, and forgetting a
 * screen. `/api/v1/screens/hall` (the hall's notices, screens-routes.ts) is another route: no
 * route here has the form `/api/v1/screens/:id`, except DELETE, which the hall route does not take.
 */
import type { Request, RequestHandler, Router } from 'express';
import type { z } from 'zod';
import { screenIdParam } from '../../common/api-queries.ts';
import { fleetCommandSchema, fleetTargetSchema } from '../../common/fleet.ts';
import type { AuditLog } from '../auth/audit-log.ts';
import { clientIp, userOf } from '../auth/middleware.ts';
import { InputError, NotFound } from '../domain-errors.ts';
import { apiRouter } from '../http/api-router.ts';
import { parsePathParam } from '../http/parse-request.ts';
import type { FleetCommands, Sender } from './fleet-commands.ts';
import type { FleetStore } from './fleet-store.ts';

export interface FleetRouterDeps {
  store: FleetStore;
  commands: FleetCommands;
  audit: AuditLog;
  /** requireRole(auth, 'admin') */
  admin: RequestHandler;
}

function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  const parsed = schema.safeParse(body ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = issue.path.map(String).join('.') || 'command';
  throw new InputError(`${issue.message} (send {"command": "reload"}, {"command": "identify"} or {"command": "navigate", "path": "/screens/window/5"})`, field);
}

const senderOf = (req: Request): Sender => ({ actor: userOf(req).username, ip: clientIp(req) });
const idOf = (req: Request) => parsePathParam(req, 'id', screenIdParam);

export function fleetRouter(deps: FleetRouterDeps): Router {
  const { store, commands, admin } = deps;
  const router = apiRouter();

  router.get('/api/v1/screens', admin, async (_req, res) => {
    res.set('Cache-Control', 'no-store').json(await store.list());
  });

  router.get('/api/v1/screens/:id/commands', admin, async (req, res) => {
    const found = await store.screen(idOf(req));
    if (!found) throw new NotFound('no such screen has reported', 'id');
    res.set('Cache-Control', 'no-store').json(found);
  });

  router.post('/api/v1/screens/commands', admin, async (req, res) => {
    const raw: unknown = req.body ?? {};
    const { group, ids, ...rest } = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
    const target = parseBody(fleetTargetSchema, { group, ids });
    const body = parseBody(fleetCommandSchema, rest);
    const screens = await commands.targets(target);
    res.json({ commands: await commands.send(screens, body, senderOf(req)) });
  });

  router.post('/api/v1/screens/:id/commands', admin, async (req, res) => {
    const id = idOf(req);
    const body = parseBody(fleetCommandSchema, req.body);
    const found = await store.screen(id);
    if (!found) throw new NotFound('no such screen has reported', 'id');
    const [command] = await commands.send([found.screen], body, senderOf(req));
    res.json({ command });
  });

  router.delete('/api/v1/screens/:id', admin, async (req, res) => {
    const id = idOf(req);
    if (!(await store.remove(id))) throw new NotFound('no such screen has reported', 'id');
    await deps.audit.record({ ...senderOf(req), action: 'screen.removed', target: id });
    res.json({ ok: true });
  });

  return router;
}
