/**
 * Admin API: users and tokens (admins), and the audit trail (what each role may read of it:
 * `auditQueryFor` in audit-log.ts). Nothing here edits or deletes an audit entry. The stores'
 * input errors are InputErrors, answered 400 by the error handler.
 */
import { Router, type Request } from 'express';
import { z } from 'zod';
import { InputError, NotFound } from '../domain-errors.ts';
import type { Auth } from './auth-service.ts';
import { clientIp, requireRole, userOf } from './middleware.ts';
import type { Actor } from './token-store.ts';
import { userChangeSchema } from './users.ts';
import { apiRouter } from '../http/api-router.ts';
import { auditQuery, pathName } from '../../common/api-queries.ts';
import { parsePathParam, parseQuery } from '../http/parse-request.ts';
import { ingestScopeBody } from '../../common/ingest-scope.ts';

export const passwordSchema = z.object({ password: z.string() });
export const disableSchema = z.object({ disabled: z.boolean() });
export const screenScopeSchema = z.object({ scope: z.string().nullable().optional() });
/** PATCH /api/v1/tokens/screen/:name: the scope is required (null: the city). */
export const screenScopeChangeSchema = z.object({ scope: z.string().max(200).nullable() }).strict();

/** The first problem of a body as a 400 naming its field. */
function bodyError(error: z.ZodError, hint: string): InputError {
  const issue = error.issues[0]!;
  return new InputError(`${issue.message} (${hint})`, issue.path.length ? issue.path.join('.') : 'body');
}

const actorOf = (req: Request): Actor => ({ actor: userOf(req).username, ip: clientIp(req) });
const param = (req: Request, name: string) => parsePathParam(req, name, pathName);

export function adminRouter(auth: Auth): Router {
  const router = apiRouter();
  const admin = requireRole(auth, 'admin');

  router.get('/api/v1/users', admin, async (_req, res) => {
    res.json({ users: await auth.users.list() });
  });
  router.post('/api/v1/users', admin, async (req, res) => {
    const user = await auth.users.create(req.body as Parameters<typeof auth.users.create>[0]);
    await auth.audit.record({ ...actorOf(req), action: 'user.created', target: user.username, detail: { role: user.role, depts: user.depts } });
    res.status(201).json({ ok: true, user });
  });
  router.patch('/api/v1/users/:username', admin, async (req, res) => {
    const username = param(req, 'username');
    const body = userChangeSchema.safeParse(req.body ?? {});
    if (!body.success) throw bodyError(body.error, 'send {"role": "supervisor", "depts": ["yiyang.realestate"]}');
    const { before, after } = await auth.users.update(username, body.data);
    await auth.audit.record({ ...actorOf(req), action: 'user.changed', target: username, detail: { before, after } });
    res.json({ ok: true, user: after });
  });
  router.post('/api/v1/users/:username/sessions/end', admin, async (req, res) => {
    const username = param(req, 'username');
    if (!(await auth.users.get(username))) throw new NotFound(`there is no user "${username}"`, 'username');
    const ended = await auth.sessions.endAll(username);
    await auth.audit.record({ ...actorOf(req), action: 'user.sessions-ended', target: username, detail: { ended } });
    res.json({ ok: true, ended });
  });
  router.post('/api/v1/users/:username/password', admin, async (req, res) => {
    const body = passwordSchema.safeParse(req.body);
    if (!body.success) throw new InputError('send {"password": "..."}', 'password');
    await auth.users.setPassword(param(req, 'username'), body.data.password);
    await auth.audit.record({ ...actorOf(req), action: 'user.password-set', target: param(req, 'username') });
    res.json({ ok: true });
  });
  router.post('/api/v1/users/:username/disabled', admin, async (req, res) => {
    const body = disableSchema.safeParse(req.body);
    if (!body.success) throw new InputError('send {"disabled": true} or {"disabled": false}', 'disabled');
    await auth.users.setDisabled(param(req, 'username'), body.data.disabled);
    await auth.audit.record({ ...actorOf(req), action: body.data.disabled ? 'user.disabled' : 'user.enabled', target: param(req, 'username') });
    res.json({ ok: true });
  });

  router.get('/api/v1/tokens', admin, async (_req, res) => {
    res.json(await auth.tokens.list());
  });
  router.post('/api/v1/tokens/ingest/:source/rotate', admin, async (req, res) => {
    // optional {"centers": [...] | null, "types": [...] | null}: a list restricts, null lifts, absent keeps
    const body = ingestScopeBody.safeParse(req.body ?? {});
    if (!body.success)
      throw new InputError(
        `${body.error.issues[0]!.message} (send {"centers": ["yiyang"], "types": ["ticket.*"]}, or {} to keep the scope)`,
        String(body.error.issues[0]!.path[0] ?? 'body'),
      );
    const { token, scope } = await auth.tokens.rotateIngest(param(req, 'source'), body.data, actorOf(req));
    res.json({ ok: true, source: param(req, 'source'), token, centers: scope.centers ?? null, types: scope.types ?? null });
  });
  router.patch('/api/v1/tokens/ingest/:source', admin, async (req, res) => {
    const body = ingestScopeBody.safeParse(req.body ?? {});
    if (!body.success) throw bodyError(body.error, 'send {"centers": ["yiyang"] | null, "types": ["ticket.*"] | null}');
    const spec = await auth.tokens.setIngestScope(param(req, 'source'), body.data, actorOf(req));
    res.json({ ok: true, source: param(req, 'source'), centers: spec.centers ?? null, types: spec.types ?? null });
  });
  router.patch('/api/v1/tokens/screen/:name', admin, async (req, res) => {
    const body = screenScopeChangeSchema.safeParse(req.body ?? {});
    if (!body.success) throw bodyError(body.error, 'send {"scope": "center:yiyang"} or {"scope": null} for the city');
    await auth.tokens.setScreenScope(param(req, 'name'), body.data.scope, actorOf(req));
    res.json({ ok: true, name: param(req, 'name'), scope: body.data.scope });
  });
  router.post('/api/v1/tokens/ingest/:source/revoke', admin, async (req, res) => {
    await auth.tokens.revokeIngest(param(req, 'source'), actorOf(req));
    res.json({ ok: true });
  });
  router.post('/api/v1/tokens/screen/:name/rotate', admin, async (req, res) => {
    const body = screenScopeSchema.safeParse(req.body ?? {});
    const token = await auth.tokens.rotateScreen(param(req, 'name'), body.success ? (body.data.scope ?? null) : null, actorOf(req));
    res.json({ ok: true, name: param(req, 'name'), token });
  });
  router.post('/api/v1/tokens/screen/:name/revoke', admin, async (req, res) => {
    await auth.tokens.revokeScreen(param(req, 'name'), actorOf(req));
    res.json({ ok: true });
  });

  router.get('/api/v1/audit', requireRole(auth, 'admin', 'leader', 'supervisor'), async (req, res) => {
    res.json({ entries: await auth.audit.readAs(userOf(req), parseQuery(req, auditQuery)) });
  });
  return router;
}
