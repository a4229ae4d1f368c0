/**
 * Admin API: users and tokens (admins), and the audit trail. Admins read all of it; leaders and
 * supervisors read the alert actions (supervisors: of their departments only). Nothing here
 * edits or deletes an audit entry.
 */
import { Router, type Request } from 'express';
import { z } from 'zod';
import { HttpError } from '../http/http-error.ts';
import type { AuditQuery } from './audit-log.ts';
import type { Auth } from './auth-service.ts';
import { clientIp, requireRole, userOf, visibleDepts } from './middleware.ts';
import { TokenInputError, type Actor } from './token-store.ts';
import { UserInputError } from './users.ts';
import { WeakPasswordError } from './passwords.ts';

const passwordSchema = z.object({ password: z.string() });
const disableSchema = z.object({ disabled: z.boolean() });
const scopeSchema = z.object({ scope: z.string().nullable().optional() });

/** Turns the stores' input errors into 400 answers. */
async function input<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof UserInputError) throw new HttpError(400, err.message, err.field);
    if (err instanceof WeakPasswordError) throw new HttpError(400, err.message, 'password');
    if (err instanceof TokenInputError) throw new HttpError(400, err.message);
    throw err;
  }
}

const actorOf = (req: Request): Actor => ({ actor: userOf(req).username, ip: clientIp(req) });
const param = (req: Request, name: string) => String(req.params[name] ?? '');

export function adminRouter(auth: Auth): Router {
  const router = Router();
  const admin = requireRole(auth, 'admin');

  router.get('/api/v1/users', admin, async (_req, res) => {
    res.json({ users: await auth.users.list() });
  });
  router.post('/api/v1/users', admin, async (req, res) => {
    const user = await input(() => auth.users.create(req.body as Parameters<typeof auth.users.create>[0]));
    await auth.audit.record({ ...actorOf(req), action: 'user.created', target: user.username, detail: { role: user.role, depts: user.depts } });
    res.status(201).json({ ok: true, user });
  });
  router.post('/api/v1/users/:username/password', admin, async (req, res) => {
    const body = passwordSchema.safeParse(req.body);
    if (!body.success) throw new HttpError(400, 'send {"password": "..."}', 'password');
    await input(() => auth.users.setPassword(param(req, 'username'), body.data.password));
    await auth.audit.record({ ...actorOf(req), action: 'user.password-set', target: param(req, 'username') });
    res.json({ ok: true });
  });
  router.post('/api/v1/users/:username/disabled', admin, async (req, res) => {
    const body = disableSchema.safeParse(req.body);
    if (!body.success) throw new HttpError(400, 'send {"disabled": true} or {"disabled": false}', 'disabled');
    await input(() => auth.users.setDisabled(param(req, 'username'), body.data.disabled));
    await auth.audit.record({ ...actorOf(req), action: body.data.disabled ? 'user.disabled' : 'user.enabled', target: param(req, 'username') });
    res.json({ ok: true });
  });

  router.get('/api/v1/tokens', admin, async (_req, res) => {
    res.json(await auth.tokens.list());
  });
  router.post('/api/v1/tokens/ingest/:source/rotate', admin, async (req, res) => {
    const token = await input(() => auth.tokens.rotateIngest(param(req, 'source'), actorOf(req)));
    res.json({ ok: true, source: param(req, 'source'), token });
  });
  router.post('/api/v1/tokens/ingest/:source/revoke', admin, async (req, res) => {
    await input(() => auth.tokens.revokeIngest(param(req, 'source'), actorOf(req)));
    res.json({ ok: true });
  });
  router.post('/api/v1/tokens/screen/:name/rotate', admin, async (req, res) => {
    const body = scopeSchema.safeParse(req.body ?? {});
    const token = await input(() => auth.tokens.rotateScreen(param(req, 'name'), body.success ? (body.data.scope ?? null) : null, actorOf(req)));
    res.json({ ok: true, name: param(req, 'name'), token });
  });
  router.post('/api/v1/tokens/screen/:name/revoke', admin, async (req, res) => {
    await input(() => auth.tokens.revokeScreen(param(req, 'name'), actorOf(req)));
    res.json({ ok: true });
  });

  router.get('/api/v1/audit', requireRole(auth, 'admin', 'leader', 'supervisor'), async (req, res) => {
    const user = userOf(req);
    const q = req.query;
    const str = (k: string) => (typeof q[k] === 'string' && q[k] ? (q[k] as string) : undefined);
    const num = (k: string) => {
      const v = str(k);
      if (v === undefined) return undefined;
      const n = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
      if (Number.isNaN(n)) throw new HttpError(400, `${k} must be epoch ms or an ISO 8601 time`, k);
      return n;
    };
    const query: AuditQuery = { actor: str('actor'), action: str('action'), target: str('target'), from: num('from'), to: num('to'), limit: num('limit') };
    if (user.role !== 'admin') {
      // alert actions only; a supervisor's limited to the departments they supervise
      if (query.action && !query.action.startsWith('alert.')) throw new HttpError(403, 'only admins read sign-ins and token changes; ask for action=alert.*', 'action');
      query.action ??= 'alert.';
      const depts = visibleDepts(user);
      if (depts) query.depts = depts;
    }
    res.json({ entries: await auth.audit.read(query) });
  });
  return router;
}
