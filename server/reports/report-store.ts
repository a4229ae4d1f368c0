/**
 * Reports kept in Redis (docs/reports.md, "Kept reports"): the JSON of each scheduled report, by
 * its id `<kind>~<scope>~<of>`, for `REPORT_KEEP_MS`, and an index by generation time for the
 * listing. The Excel and PDF of a kept report are rendered from its kept JSON, so a file fetched
 * months later shows the numbers that were sent, not a recount.
 */
import type { Scope } from '../../common/catalog.ts';
import type { KeptReport, Report, ReportKind, ReportSending } from '../../common/report.ts';
import { DAY_MS } from '../../common/time.ts';
import type { RedisClient } from '../redis/connect.ts';

/** A report is looked at the year after (同比): a year and a month. */
export const REPORT_KEEP_MS = 400 * DAY_MS;

export function reportKeys(prefix: string) {
  return {
    /** One kept report (JSON). */
    report: (id: string) => `${prefix}reports:r:${id}`,
    /** How a kept report was sent (JSON ReportSending[]), beside it for as long. */
    sent: (id: string) => `${prefix}reports:sent:${id}`,
    /** Kept report ids by generation time (epoch ms). */
    index: `${prefix}reports:index`,
    /** The scheduler's lock of one run (one hub makes each scheduled report). */
    runLock: (run: string) => `${prefix}reports:lock:${run}`,
  };
}

/** `daily~city~2026-11-29`, `monthly~center:heshan~2026-10`. */
export const reportId = (kind: ReportKind, scope: Scope, of: string): string => `${kind}~${scope}~${of}`;

/** What a report is of: the day `YYYY-MM-DD` of a daily report, the month `YYYY-MM` of a monthly one. */
export const reportOf = (r: Report): string => (r.kind === 'daily' ? r.period.fromDate : r.period.fromDate.slice(0, 7));

export const linksOf = (id: string): KeptReport['links'] => {
  const base = `/api/v1/reports/kept/${encodeURIComponent(id)}`;
  return { json: `${base}?format=json`, xlsx: `${base}?format=xlsx`, pdf: `${base}?format=pdf` };
};

export interface ReportStore {
  keep(r: Report, generatedAtMs: number): Promise<KeptReport>;
  get(id: string): Promise<Report | null>;
  list(filter: { scope?: Scope; kind?: ReportKind; limit: number }): Promise<KeptReport[]>;
  /** Records how a kept report was sent (report-send.ts); listed with it. */
  recordSent(id: string, sent: ReportSending[]): Promise<void>;
}

export function createReportStore(redis: RedisClient, prefix: string, now: () => number): ReportStore {
  const k = reportKeys(prefix);
  const summary = (r: Report, id: string, sent: string | null = null): KeptReport => ({
    id,
    kind: r.kind,
    scope: r.scope,
    of: reportOf(r),
    generatedAt: r.generatedAt,
    links: linksOf(id),
    ...(sent === null ? {} : { sent: JSON.parse(sent) as ReportSending[] }),
  });
  return {
    async keep(r, generatedAtMs) {
      const id = reportId(r.kind, r.scope as Scope, reportOf(r));
      await redis
        .multi()
        .set(k.report(id), JSON.stringify(r), 'PX', REPORT_KEEP_MS)
        .zadd(k.index, generatedAtMs, id)
        // the index forgets what the reports' own expiry forgot
        .zremrangebyscore(k.index, '-inf', `(${now() - REPORT_KEEP_MS}`)
        .exec();
      return summary(r, id);
    },
    async get(id) {
      const json = await redis.get(k.report(id));
      return json === null ? null : (JSON.parse(json) as Report);
    },
    async list(f) {
      const ids = await redis.zrevrange(k.index, 0, 4999);
      const wanted = ids.filter((id) => {
        const [kind, scope] = id.split('~');
        return (!f.kind || kind === f.kind) && (!f.scope || scope === f.scope);
      });
      const out: KeptReport[] = [];
      for (let i = 0; i < wanted.length && out.length < f.limit; i += 200) {
        const batch = wanted.slice(i, i + 200);
        const jsons = await redis.mget(...batch.map(k.report));
        const sent = await redis.mget(...batch.map(k.sent));
        jsons.forEach((j, n) => {
          if (j !== null && out.length < f.limit) out.push(summary(JSON.parse(j) as Report, batch[n]!, sent[n] ?? null));
        });
      }
      return out;
    },
    async recordSent(id, sent) {
      await redis.set(k.sent(id), JSON.stringify(sent), 'PX', REPORT_KEEP_MS);
    },
  };
}
