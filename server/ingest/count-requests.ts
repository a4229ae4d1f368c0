/**
 * Counts every request to the ingest route in `yg_ingest_requests_total{outcome,status}`, once it
 * has been answered, whatever answered it: the handler, the body parser (400, 413) or the error
 * handler (401, 503). Mounted before the body parser so a refused body is counted too.
 */
import type { RequestHandler } from 'express';
import type { HubMetrics } from '../observability/metrics.ts';

export type IngestOutcome = 'accepted' | 'refused' | 'unavailable' | 'failed' | 'aborted';

export function outcomeOf(status: number): IngestOutcome {
  if (status >= 200 && status < 300) return 'accepted';
  if (status >= 400 && status < 500) return 'refused';
  if (status === 503) return 'unavailable';
  return 'failed';
}

export function countIngestRequests(metrics: HubMetrics): RequestHandler {
  return (_req, res, next) => {
    // 'close' comes after the answer is sent, or when the client went away before it
    res.once('close', () => {
      if (res.writableFinished) metrics.ingestRequests.inc({ outcome: outcomeOf(res.statusCode), status: String(res.statusCode) });
      else metrics.ingestRequests.inc({ outcome: 'aborted', status: 'none' });
    });
    next();
  };
}
