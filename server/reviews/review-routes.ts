/**
 * 差评整改 API (docs/alerts.md, "Bad-review follow-ups"): record a bad review's follow-up
 * (supervisors of its department, admins), and the follow-ups and figures of a day and scope
 * (supervisors for their departments, leaders, admins; the cockpit reads the figures).
 */
import type { Router } from 'express';
import { z } from 'zod';
import { pathName, reviewFollowUpsQuery } from '../../common/api-queries.ts';
import { visibleDepts } from '../../common/auth.ts';
import type { Scope } from '../../common/catalog.ts';
import { FOLLOW_UP_RESULTS, type FollowUpBody, type ReviewFollowUpsAnswer } from '../../common/reviews.ts';
import { dateOfDayIndex, dayIndexOf } from '../../common/time.ts';
import { mayAct } from '../alerts/alert-access.ts';
import type { Auth } from '../auth/auth-service.ts';
import { clientIp, requireRole, userOf } from '../auth/middleware.ts';
import type { CatalogIndex } from '../catalog/load-catalog.ts';
import { Forbidden, InputError } from '../domain-errors.ts';
import { apiRouter } from '../http/api-router.ts';
import { parsePathParam, parseQuery } from '../http/parse-request.ts';
import { knownScope } from '../read/read-routes.ts';
import type { FollowUps } from './follow-ups.ts';

const stars = 'whole stars, 1 to 5';
export const followUpBody = z
  .object({
    result: z.enum(FOLLOW_UP_RESULTS, { error: `must be one of ${FOLLOW_UP_RESULTS.join(', ')}` }),
    note: z.string().trim().max(1000, 'at most 1000 characters').default(''),
    rerating: z.number().int(stars).min(1, stars).max(5, stars).optional(),
  })
  .strict()
  .superRefine((b, ctx) => {
    // nobody reached, nobody re-rated
    if (b.result === '无法联系' && b.rerating !== undefined)
      ctx.addIssue({ code: 'custom', path: ['rerating'], message: 'a re-rating needs a call that reached the citizen' });
  }) satisfies z.ZodType<FollowUpBody, unknown>;

export interface ReviewRouteDeps {
  auth: Auth;
  followUps: FollowUps;
  catalog: CatalogIndex;
  now: () => number;
}

/** The department a scope lies in (a department or one of its windows); null for a center or the city. */
function deptOfScope(scope: Scope, catalog: CatalogIndex): string | null {
  const [kind, code = ''] = scope.split(':') as [string, string?];
  if (kind === 'dept') return code;
  if (kind === 'window') return catalog.windows.get(code)?.dept ?? null;
  return null;
}

export function reviewRouter(d: ReviewRouteDeps): Router {
  const router = apiRouter();

  router.post('/api/v1/reviews/:id/follow-up', requireRole(d.auth, 'supervisor', 'admin'), async (req, res) => {
    const user = userOf(req);
    const id = parsePathParam(req, 'id', pathName);
    // the body is checked before anything is looked up or stored
    const body = followUpBody.safeParse(req.body ?? {});
    if (!body.success) {
      const issue = body.error.issues[0]!;
      throw new InputError(issue.message, issue.path.length ? issue.path.join('.') : 'body');
    }
    const alert = await d.followUps.alertOf(id);
    if (!mayAct(user, alert)) throw new Forbidden('this bad review belongs to a department you do not supervise');
    const done = await d.followUps.record(alert, body.data, { username: user.username, ip: clientIp(req) });
    res.json({ ok: true, ...done });
  });

  router.get('/api/v1/reviews/follow-ups', requireRole(d.auth, 'supervisor', 'leader', 'admin'), async (req, res) => {
    const user = userOf(req);
    const q = parseQuery(req, reviewFollowUpsQuery);
    const scope = knownScope(q.scope ?? 'city', d.catalog);
    const depts = visibleDepts(user);
    const dept = deptOfScope(scope, d.catalog);
    if (depts && (dept === null || !depts.includes(dept)))
      throw new Forbidden('you supervise other departments; ask for dept:<yours> or one of its windows', 'scope');
    const day = q.date ?? dayIndexOf(d.now());
    const inScope = (f: { center: string; dept: string | null; window: string | null }) =>
      scope === 'city' ||
      scope === `center:${f.center}` ||
      (f.dept !== null && scope === `dept:${f.dept}`) ||
      (f.window !== null && scope === `window:${f.window}`);
    const answer: ReviewFollowUpsAnswer = {
      scope,
      date: dateOfDayIndex(day),
      figures: await d.followUps.figures(scope, day),
      followUps: (await d.followUps.ofDay(day)).filter(inScope),
    };
    res.json(answer);
  });
  return router;
}
