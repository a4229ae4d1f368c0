/**
 * Sends each scheduled report through the notification channels (docs/reports.md, "Sending"): the
 * `reports` rules of the `notify` section name who gets which kind of which scope; a group channel
 * (robot, webhook) takes one message for every contact it reaches, SMS and email one per contact.
 *
 * Sent directly, not through the notify outbox: an outbox delivery belongs to an alert and its
 * escalation level (its id, its log under the alert, the yellow batching by department), and a
 * report fits none of it. The scheduler calls this on the one hub that made the run, after the
 * run's done mark, so each report goes once; each message is tried 3 times with a growing wait
 * and how it went is kept beside the kept report (GET /api/v1/reports lists it as `sent`).
 */
import type { Logger } from 'pino';
import { channelOf, contactOf, type NotifyConfig } from '../../common/notify.ts';
import type { Report, ReportSending } from '../../common/report.ts';
import { isGroupChannel, sendTo, type Recipient, type SendResult } from '../notify/channels/index.ts';
import type { NotifyMessage } from '../notify/message.ts';
import type { NotifyConfigSource } from '../notify/notify-config.ts';
import { reportTitle } from './report-labels.ts';
import { linksOf, reportOf, type ReportStore } from './report-store.ts';

/** Waits before the 2nd and the 3rd attempt. */
export const DEFAULT_SEND_RETRY_MS = [10_000, 60_000];

export interface ReportSendDeps {
  store: ReportStore;
  config: NotifyConfigSource;
  publicUrl: () => string;
  log: Logger;
  now: () => number;
  /** Waits before each further attempt (3 attempts: two waits). @default DEFAULT_SEND_RETRY_MS */
  retryDelaysMs?: number[];
}

export interface ReportSender {
  /** Sends the kept reports of these ids to whom the configuration names; resolves with each one's record. */
  send(ids: string[]): Promise<ReportSending[][]>;
}

const percent = (x: number | null): string => (x === null ? '—' : `${(x * 100).toFixed(2)}%`);

/** The kept report's PDF, where the message points. */
export function reportLink(publicUrl: string, id: string): string {
  return `${publicUrl.replace(/\/$/, '')}${linksOf(id).pdf}`;
}

/** 【阳光政务】益阳市政务服务日报（全市）2026-11-30：受理 X 件，办结 Y 件，按时办结率 …，满意率 …；查看：<link> */
export function reportMessage(r: Report, id: string, publicUrl: string): NotifyMessage {
  const title = `${reportTitle(r)}${reportOf(r)}`;
  const f = r.figures;
  const link = reportLink(publicUrl, id);
  return {
    // the robots, SMS and email format a NotifyMessage; these alert fields are never shown for a
    // report (`report` set), and the webhook sends the report's fields only
    alertId: '',
    rule: 'wait',
    severity: 'yellow',
    level: 0,
    levelName: '报表',
    center: r.scope.startsWith('center:') ? r.scope.slice('center:'.length) : '',
    dept: null,
    window: null,
    subject: `【阳光政务】${title}`,
    text: `【阳光政务】${title}：受理 ${f.cases.accepted} 件，办结 ${f.cases.completed} 件，按时办结率 ${percent(f.cases.onTimeRate)}，满意率 ${percent(f.ratings.satisfactionRate)}；查看：${link}`,
    link,
    openedAt: Date.parse(r.generatedAt),
    report: id,
  };
}

/** Who gets a report through which channel: channel id -> contact ids, in the order configured. */
export function destinationsOf(config: NotifyConfig, r: Pick<Report, 'kind' | 'scope'>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const rule of config.reports) {
    if (!rule.kinds.includes(r.kind) || !rule.scopes.includes(r.scope)) continue;
    for (const id of rule.contacts) {
      const contact = contactOf(config, id);
      if (!contact) continue;
      for (const ch of contact.channels) {
        if (rule.channels && !rule.channels.includes(ch)) continue;
        const to = out.get(ch) ?? [];
        if (!to.includes(id)) to.push(id);
        out.set(ch, to);
      }
    }
  }
  return out;
}

export function createReportSender(d: ReportSendDeps): ReportSender {
  const delays = d.retryDelaysMs ?? DEFAULT_SEND_RETRY_MS;
  const wait = (ms: number) => new Promise<void>((done) => setTimeout(done, ms).unref());

  async function attempt(send: () => Promise<SendResult>): Promise<{ result: SendResult; attempts: number }> {
    for (let n = 1; ; n++) {
      const result = await send();
      if (result.ok || n > delays.length) return { result, attempts: n };
      await wait(delays[n - 1]!);
    }
  }

  async function sendOne(id: string): Promise<ReportSending[]> {
    const report = await d.store.get(id);
    if (!report) return [];
    const config = d.config.current();
    const msg = reportMessage(report, id, d.publicUrl());
    const jobs: { channel: string; to: Recipient[] }[] = [];
    for (const [channelId, contacts] of destinationsOf(config, report)) {
      const ch = channelOf(config, channelId);
      if (!ch) continue;
      const to = contacts.map((c) => ({ id: c, contact: contactOf(config, c) }));
      // a robot or webhook once for everyone it reaches, like an alert; SMS and email per person
      if (isGroupChannel(ch)) jobs.push({ channel: channelId, to });
      else for (const r of to) jobs.push({ channel: channelId, to: [r] });
    }
    if (jobs.length === 0) return [];
    const sent = await Promise.all(
      jobs.map(async (j): Promise<ReportSending> => {
        const ch = channelOf(config, j.channel)!;
        const { result, attempts } = await attempt(() => sendTo(ch, msg, j.to));
        const contacts = j.to.map((r) => r.id);
        if (!result.ok) d.log.warn({ report: id, channel: j.channel, contacts, detail: result.detail }, 'report not sent after 3 attempts');
        return {
          channel: j.channel,
          contacts,
          ok: result.ok,
          attempts,
          at: new Date(d.now()).toISOString(),
          ...(result.ok ? {} : { detail: result.detail }),
        };
      }),
    );
    await d.store.recordSent(id, sent);
    return sent;
  }

  return {
    async send(ids) {
      // another hub may have changed who gets what a moment ago
      await d.config.refresh();
      const out: ReportSending[][] = [];
      for (const id of ids) out.push(await sendOne(id));
      return out;
    },
  };
}
