/**
 * The period figures and the reports API (docs/reports.md), leaders and admins only (`guard`):
 * `GET /api/v1/cockpit/period` (a period's figures with 环比 and 同比), `GET /api/v1/reports/daily`
 * and `/monthly` (made on demand, as JSON, Excel or PDF), `GET /api/v1/reports` (the kept ones) and
 * `GET /api/v1/reports/kept/:id` (one kept report, in any of the three formats).
 */
import type { RequestHandler, Response, Router } from 'express';
import { dailyReportQuery, keptReportId, keptReportQuery, monthlyReportQuery, periodQuery, reportListQuery } from '../../common/api-queries.ts';
import type { Scope } from '../../common/catalog.ts';
import { periodOf } from '../../common/periods.ts';
import type { Report } from '../../common/report.ts';
import { dateOfDayIndex, dayIndexOf } from '../../common/time.ts';
import { InputError, NotFound } from '../domain-errors.ts';
import { apiRouter } from '../http/api-router.ts';
import { parsePathParam, parseQuery } from '../http/parse-request.ts';
import { knownScope } from '../read/read-routes.ts';
import { readPeriodAnswer } from './period-figures.ts';
import { reportHtml } from './report-html.ts';
import { buildReport, type ReportDeps } from './report-model.ts';
import type { PdfPrinter } from './report-pdf.ts';
import { reportOf, type ReportStore } from './report-store.ts';
import { reportXlsx } from './report-xlsx.ts';

export interface ReportRouteDeps extends ReportDeps {
  guard: RequestHandler;
  store: ReportStore;
  printer: PdfPrinter;
}

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** A file name of ASCII only (the scope's colon and dots made safe). */
export const reportFileName = (r: Report, ext: string): string => `report-${r.kind}-${r.scope.replace(/[^A-Za-z0-9.-]/g, '_')}-${reportOf(r)}.${ext}`;

export async function sendReport(res: Response, r: Report, format: 'json' | 'xlsx' | 'pdf', printer: PdfPrinter): Promise<void> {
  if (format === 'json') {
    res.set('Cache-Control', 'no-store').json(r);
    return;
  }
  const file = format === 'xlsx' ? await reportXlsx(r) : await printer.print(reportHtml(r));
  res
    .set({
      'Content-Type': format === 'xlsx' ? XLSX_TYPE : 'application/pdf',
      'Content-Disposition': `attachment; filename="${reportFileName(r, format)}"`,
      'Cache-Control': 'no-store',
    })
    .send(file);
}

export function reportRouter(d: ReportRouteDeps): Router {
  const router = apiRouter();
  const scopeOf = (scope: Scope | undefined) => knownScope(scope ?? 'city', d.catalog);
  const notAfterToday = (day: number, field: string, today: number) => {
    if (day > today) throw new InputError(`must not be after today (${dateOfDayIndex(today)})`, field);
    return day;
  };

  router.get('/api/v1/cockpit/period', d.guard, async (req, res) => {
    const now = d.now();
    const q = parseQuery(req, periodQuery);
    const scope = scopeOf(q.scope);
    const today = dayIndexOf(now);
    const day = notAfterToday(q.date ?? today, 'date', today);
    res.json(await readPeriodAnswer(d.redis, d.keys, scope, q.period ?? 'week', day, now));
  });

  router.get('/api/v1/reports/daily', d.guard, async (req, res) => {
    const q = parseQuery(req, dailyReportQuery);
    const scope = scopeOf(q.scope);
    const today = dayIndexOf(d.now());
    const day = notAfterToday(q.date ?? today, 'date', today);
    await sendReport(res, await buildReport(d, 'daily', scope, day), q.format ?? 'json', d.printer);
  });

  router.get('/api/v1/reports/monthly', d.guard, async (req, res) => {
    const q = parseQuery(req, monthlyReportQuery);
    const scope = scopeOf(q.scope);
    const today = dayIndexOf(d.now());
    const first = notAfterToday(q.month ?? periodOf('month', today).from, 'month', today);
    await sendReport(res, await buildReport(d, 'monthly', scope, first), q.format ?? 'json', d.printer);
  });

  router.get('/api/v1/reports', d.guard, async (req, res) => {
    const q = parseQuery(req, reportListQuery);
    const scope = q.scope === undefined ? undefined : scopeOf(q.scope);
    const reports = await d.store.list({ limit: q.limit ?? 100, ...(scope ? { scope } : {}), ...(q.kind ? { kind: q.kind } : {}) });
    res.set('Cache-Control', 'no-store').json({ reports });
  });

  router.get('/api/v1/reports/kept/:id', d.guard, async (req, res) => {
    const id = parsePathParam(req, 'id', keptReportId, 404);
    const q = parseQuery(req, keptReportQuery);
    const r = await d.store.get(id);
    if (!r) throw new NotFound('no kept report with this id (kept 400 days)');
    await sendReport(res, r, q.format ?? 'json', d.printer);
  });

  return router;
}
