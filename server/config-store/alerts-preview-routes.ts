/**
 * POST /api/v1/admin/config/alerts/preview (admins): what an edited `alerts` section would have
 * raised on a past day, beside the current one (docs/admin.md#previewing-alert-rules).
 */
import type { Router } from 'express';
import { alertsPreviewBody } from '../../common/alerts-preview.ts';
import type { Auth } from '../auth/auth-service.ts';
import { requireRole } from '../auth/middleware.ts';
import { InputError } from '../domain-errors.ts';
import { apiRouter } from '../http/api-router.ts';
import type { AlertsPreviewer } from './alerts-preview.ts';

export function alertsPreviewRouter(deps: { auth: Auth; previewer: AlertsPreviewer }): Router {
  const router = apiRouter();
  router.post('/api/v1/admin/config/alerts/preview', requireRole(deps.auth, 'admin'), async (req, res) => {
    const parsed = alertsPreviewBody.safeParse(req.body);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(body)', message: i.message }));
      throw new InputError(`${issues[0]!.path}: ${issues[0]!.message}`, issues[0]!.path, issues);
    }
    res.set('Cache-Control', 'no-store').json(await deps.previewer.preview(parsed.data));
  });
  return router;
}
