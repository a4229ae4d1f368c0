/**
 * Wires the reports of one hub process (docs/reports.md): the store of kept reports, the PDF
 * printer, the API, and the schedule when it is on (every hub may run it: a lock per run).
 */
import type { Router } from 'express';
import type { Logger } from 'pino';
import type { RequestHandler } from 'express';
import type { ReportDeps } from './report-model.ts';
import type { NotifyConfigSource } from '../notify/notify-config.ts';
import { createPdfPrinter, type PdfPrinter } from './report-pdf.ts';
import { createReportSender } from './report-send.ts';
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
  /** The notifications: the scheduled reports are sent to whom their `reports` rules name (report-send.ts). */
  notify?: { config: NotifyConfigSource; publicUrl: () => string; retryDelaysMs?: number[] };
}

export interface Reports {
  router: Router;
  store: ReportStore;
  scheduler: ReportScheduler | null;
  /** Ends the schedule's checks; resolves once a check under way has finished. */
  stop(): Promise<void>;
}

export function startReports(d: ReportsDeps): Reports {
  const store = createReportStore(d.redis, d.keys.prefix, d.now);
  const printer = d.printer ?? createPdfPrinter();
  const n = d.notify;
  const sender = n
    ? createReportSender({
        store,
        config: n.config,
        publicUrl: n.publicUrl,
        log: d.log,
        now: d.now,
        ...(n.retryDelaysMs ? { retryDelaysMs: n.retryDelaysMs } : {}),
      })
    : null;
  const onKept = (ids: string[]) => {
    sender?.send(ids).catch((err: unknown) => d.log.warn({ err: (err as Error).message }, 'scheduled reports not sent'));
  };
  const scheduler = d.schedule ? startReportScheduler({ ...d, store, onKept }, d.schedule) : null;
  return {
    router: reportRouter({ ...d, store, printer }),
    store,
    scheduler,
    stop: async () => {
      await scheduler?.stop();
    },
  };
}
