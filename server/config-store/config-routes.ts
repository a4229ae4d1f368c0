/**
 * The config API (docs/admin.md), admins only: the sections with their versions, one section as
 * its file's JSON with its version as the ETag, and a PUT that replaces a section after checking
 * it (400 with every issue, nothing changed), refused when `If-Match` names a version that is no
 * longer the current one (409). Each change is audited with its before and after, secrets masked.
 */
import type { Request, Router } from 'express';
import { configSectionParam, type ConfigSection } from '../../common/config-sections.ts';
import type { Auth } from '../auth/auth-service.ts';
import { clientIp, requireRole, userOf } from '../auth/middleware.ts';
import { InputError } from '../domain-errors.ts';
import { apiRouter } from '../http/api-router.ts';
import { parsePathParam } from '../http/parse-request.ts';
import type { ConfigStore } from './config-store.ts';
import { maskedSection } from './sections.ts';

/** `If-Match: "3"` (also `W/"3"` or a bare 3); `*` or none: any version. */
export function ifMatchVersion(req: Request): number | undefined {
  const raw = req.get('if-match');
  if (raw === undefined || raw.trim() === '*') return undefined;
  const m = /^\s*(?:W\/)?"?(\d{1,15})"?\s*$/.exec(raw);
  if (!m) throw new InputError('If-Match must be the version the section was read at, as its ETag gave it: "3"', 'If-Match');
  return Number(m[1]);
}

const sectionOf = (req: Request): ConfigSection => parsePathParam(req, 'section', configSectionParam, 404);

export function configRouter(deps: { auth: Auth; store: ConfigStore }): Router {
  const { auth, store } = deps;
  const router = apiRouter();
  const admin = requireRole(auth, 'admin');

  router.get('/api/v1/admin/config', admin, async (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ sections: await store.list() });
  });

  router.get('/api/v1/admin/config/:section', admin, async (req, res) => {
    const section = sectionOf(req);
    // level with Redis, so an admin reads what another hub stored a moment ago
    await store.refresh();
    res.set({ ETag: `"${store.version(section)}"`, 'Cache-Control': 'no-store' }).json(maskedSection(section, store.current(section)));
  });

  router.put('/api/v1/admin/config/:section', admin, async (req, res) => {
    const section = sectionOf(req);
    const ifMatch = ifMatchVersion(req);
    const actor = userOf(req).username;
    const { version, before, after } = await store.put(section, req.body, { actor, ...(ifMatch !== undefined ? { ifMatch } : {}) });
    await auth.audit.record({
      actor,
      action: `config.${section}-changed`,
      target: section,
      ip: clientIp(req),
      detail: { version, before: maskedSection(section, before), after: maskedSection(section, after) },
    });
    res.set({ ETag: `"${version}"`, 'Cache-Control': 'no-store' }).json({ version });
  });
  return router;
}
