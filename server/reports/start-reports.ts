/**
 * Wires the reports of one hub process (docs/reports.md): the store of kept reports, the PDF
 * printer, the API, and the schedule when it is on (every hub may run it: a lock per run).
 */
import type { Router } from 'express';
import type { Logger } from 'pino';
import type { RequestHandler } from 'express';
import type { ReportDeps } from './report-model.ts';
import { createPdfPrinter, type PdfPrinter } from './report-pdf.ts';
import { reportRouter } from './report-routes.ts';
import { startReportScheduler, type ReportScheduler, type ReportScheduleSettings } from './report-schedule.ts';
import { createReportStore, type ReportStore } from './report-store.ts';

export interface ReportsDeps extends ReportDeps {
  log: Logger;
  /** Who may read the reports (leaders and admins). */
  guard: RequestHandler;
  /** null: no schedule on this hub (REPORT_SCHEDULE=off). */
  schedule: ReportScheduleSettings | null;
  printer?: PdfPrinter;
}

export interface Reports {
  router: Router;
  store: ReportStore;
  scheduler: ReportScheduler | null;
  stop(): void;
}

export function startReports(d: ReportsDeps): Reports {
  const store = createReportStore(d.redis, d.keys.prefix, d.now);
  const printer = d.printer ?? createPdfPrinter();
  const scheduler = d.schedule ? startReportScheduler({ ...d, store }, d.schedule) : null;
  return {
    router: reportRouter({ ...d, store, printer }),
    store,
    scheduler,
    stop: () => scheduler?.stop(),
  };
}
