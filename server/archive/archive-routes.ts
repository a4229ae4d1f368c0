/**
 * `GET /api/v1/events/export` (docs/api.md, "Exporting the archived events"): admins only; every
 * export is in the audit trail (who, which range, which types, which format) before its first byte.
 */
import { once } from 'node:events';
import type { Router } from 'express';
import type { Logger } from 'pino';
import { eventsExportQuery } from '../../common/api-queries.ts';
import type { Auth } from '../auth/auth-service.ts';
import { clientIp, requireRole, userOf } from '../auth/middleware.ts';
import { Forbidden, NotFound } from '../domain-errors.ts';
import { apiRouter } from '../http/api-router.ts';
import { parseQuery } from '../http/parse-request.ts';
import type { ArchiveSource } from './archived-entry.ts';
import { checkExportRange, exportChunks, exportFileName, type ExportRequest } from './archive-export.ts';

export function archiveRouter(deps: { auth: Auth; source: ArchiveSource | null; log: Logger }): Router {
  const router = apiRouter();
  router.get('/api/v1/events/export', requireRole(deps.auth, 'admin'), async (req, res) => {
    // A GET passes the same-origin guard, and SameSite=Strict keeps the cookie off other sites only:
    // a page of another origin of the same site could still start an export (audited, heavy) in
    // the admin's name. Browsers say where a request comes from; programs send no such header.
    const site = req.get('sec-fetch-site');
    if (site === 'cross-site' || site === 'same-site')
      throw new Forbidden('an export must be asked for from a page of this hub, a typed address or a program', 'sec-fetch-site');
    const q = parseQuery(req, eventsExportQuery);
    const request: ExportRequest = { fromMs: q.from, toMs: q.to, types: q.type ?? null, format: q.format ?? 'ndjson' };
    checkExportRange(request.fromMs, request.toMs);
    if (!deps.source) throw new NotFound('the event archive is off on this hub (ARCHIVE=off); ask a hub that keeps it');
    const user = userOf(req);
    await deps.auth.audit.record({
      actor: user.username,
      action: 'events.exported',
      target: exportFileName(request),
      ip: clientIp(req),
      detail: { from: new Date(request.fromMs).toISOString(), to: new Date(request.toMs).toISOString(), types: request.types ?? 'all', format: request.format },
    });
    let aborted = false;
    res.once('close', () => {
      aborted = !res.writableFinished;
    });
    const chunks = exportChunks(deps.source, request, (rows) =>
      deps.log.info({ actor: user.username, file: exportFileName(request), rows }, 'events exported'),
    );
    let first = await chunks.next(); // a damaged first segment is still a clean error answer
    res.set({
      'Content-Type': request.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
      'Content-Disposition': `attachment; filename="${exportFileName(request)}"`,
      'Cache-Control': 'no-store',
    });
    try {
      while (!first.done && !aborted) {
        if (!res.write(first.value)) await Promise.race([once(res, 'drain'), once(res, 'close')]);
        first = await chunks.next();
      }
    } catch (err) {
      // the answer has begun: cutting the connection is the only way left to say it is incomplete
      deps.log.error({ err: (err as Error).message }, 'events export cut short');
      res.destroy(err as Error);
      return;
    } finally {
      await chunks.return(undefined);
    }
    if (!aborted) res.end();
  });
  return router;
}
