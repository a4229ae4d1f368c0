/**
 * The figures of people and of joined visits (docs/api.md, docs/metrics.md "Staff" and "Visits and
 * their cases"): a member of staff's figures, a department's staff table, and ratings, waits and
 * returns by item. Signed-in readers only: supervisors for their departments, leaders and admins.
 * A screen token or an anonymous wall never reads them (they name people), whatever its scope:
 * these routes ask for a session, not the read guard's token.
 */
import type { RequestHandler, Router } from 'express';
import { deptStaffFiguresQuery, pathName, staffFiguresQuery, visitFiguresQuery } from '../../common/api-queries.ts';
import { visibleDepts } from '../../common/auth.ts';
import type { Scope } from '../../common/catalog.ts';
import { dateOfDayIndex, dayIndexOf } from '../../common/time.ts';
import type { DeptStaffFiguresAnswer, StaffFiguresAnswer } from '../../common/visit-figures.ts';
import type { Auth } from '../auth/auth-service.ts';
import { userOf } from '../auth/middleware.ts';
import type { CatalogIndex } from '../catalog/load-catalog.ts';
import { Forbidden, NotFound } from '../domain-errors.ts';
import { apiRouter } from '../http/api-router.ts';
import { HttpError } from '../http/http-error.ts';
import { requestCredentials } from '../identity/credentials.ts';
import { parsePathParam, parseQuery } from '../http/parse-request.ts';
import { mayRead } from '../identity/principal.ts';
import type { RedisClient } from '../redis/connect.ts';
import type { RedisKeys } from '../redis/keys.ts';
import { knownScope } from './read-routes.ts';
import { readStaffFigures, readVisitFigures } from './visit-figures.ts';

export interface StaffRouteDeps {
  auth: Auth;
  redis: RedisClient;
  keys: RedisKeys;
  catalog: CatalogIndex;
  now: () => number;
}

/**
 * A supervisor, leader or admin signed in, and no wall: a screen token is refused 403 whatever its
 * scope (asked with a token and a cookie, the token counts: the request comes from a wall), nobody
 * 401, another role 403. Leaves the user on `req.user` as requireRole does.
 */
function peopleReaders(auth: Auth): RequestHandler {
  return (req, _res, next) => {
    auth.identity.resolve(requestCredentials(req)).then((principal) => {
      if (principal.kind === 'screen' || principal.kind === 'source')
        return next(new Forbidden('a wall screen never shows the figures of people or of visits'));
      if (principal.kind === 'anonymous') return next(new HttpError(401, 'sign in first: POST /api/v1/session with {username, password}'));
      if (principal.user.role === 'supervisor' || principal.user.role === 'leader' || principal.user.role === 'admin') {
        req.user = principal.user;
        return next();
      }
      next(new HttpError(403, `this needs the role supervisor, leader or admin; you are ${principal.user.role}`));
    }, next);
  };
}

export function staffRouter(d: StaffRouteDeps): Router {
  const router = apiRouter();
  const signedIn = peopleReaders(d.auth);
  const staffOf = (code: string) => d.catalog.catalog.staff.find((s) => s.code === code);

  router.get('/api/v1/staff/figures', signedIn, async (req, res) => {
    const user = userOf(req);
    const q = parseQuery(req, deptStaffFiguresQuery);
    if (!d.catalog.departments.has(q.dept)) throw new NotFound(`no such dept "${q.dept}" in the catalog`, 'dept');
    const depts = visibleDepts(user);
    if (depts && !depts.includes(q.dept)) throw new Forbidden('you supervise other departments', 'dept');
    const day = q.date ?? dayIndexOf(d.now());
    const codes = d.catalog.catalog.staff.filter((s) => s.dept === q.dept).map((s) => s.code);
    const answer: DeptStaffFiguresAnswer = { dept: q.dept, date: dateOfDayIndex(day), staff: await readStaffFigures(d.redis, d.keys, codes, day, d.catalog) };
    res.json(answer);
  });

  router.get('/api/v1/staff/:id/figures', signedIn, async (req, res) => {
    const user = userOf(req);
    const code = parsePathParam(req, 'id', pathName, 404);
    if (!staffOf(code)) throw new NotFound(`no such member of staff "${code}" in the catalog`, 'id');
    const scope: Scope = `staff:${code}`;
    if (!mayRead({ kind: 'user', user }, scope, d.catalog)) throw new Forbidden('this member of staff works in a department you do not supervise', 'id');
    const q = parseQuery(req, staffFiguresQuery);
    const day = q.date ?? dayIndexOf(d.now());
    const [figures] = await readStaffFigures(d.redis, d.keys, [code], day, d.catalog);
    const answer: StaffFiguresAnswer = { scope: `staff:${code}`, date: dateOfDayIndex(day), ...figures! };
    res.json(answer);
  });

  router.get('/api/v1/visit-figures', signedIn, async (req, res) => {
    const user = userOf(req);
    const q = parseQuery(req, visitFiguresQuery);
    const scope = knownScope(q.scope ?? 'city', d.catalog);
    if (!mayRead({ kind: 'user', user }, scope, d.catalog))
      throw new Forbidden('you supervise other departments; ask for dept:<yours> or one of its windows', 'scope');
    res.json(await readVisitFigures(d.redis, d.keys, scope, q.date ?? dayIndexOf(d.now()), d.catalog));
  });
  return router;
}
