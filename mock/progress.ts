/** The progress bar of replay and backfill, and the summary printed at the end of a run. */
import type { RunProgress, RunResult } from './run.ts';
import { SOURCES } from './timeline.ts';

const WIDTH = 28;
const fmt = (n: number) => n.toLocaleString('en-US');

/** A one-line bar redrawn in place on a terminal; on a pipe, a line per day at most every 5 s. */
export function progressBar(stream: NodeJS.WriteStream = process.stderr): { update(p: RunProgress): void; done(): void } {
  let lastLine = 0;
  let lastLabel = '';
  let drawn = false;
  return {
    update(p) {
      const now = Date.now();
      if (stream.isTTY) {
        if (now - lastLine < 100 && p.done < p.total) return;
        lastLine = now;
        const frac = p.total > 0 ? Math.min(1, p.done / p.total) : 1;
        const filled = Math.round(frac * WIDTH);
        const rate = p.elapsedMs > 0 ? Math.round(p.sent / (p.elapsedMs / 1000)) : 0;
        const day = p.dayNumber > 0 ? ` day ${p.dayNumber}/${p.dayCount}` : '';
        stream.write(
          `\r\x1b[K${p.label}${day} ${'█'.repeat(filled)}${'░'.repeat(WIDTH - filled)} ${String(Math.round(frac * 100)).padStart(3)}%  ${fmt(p.sent)} sent  ${fmt(rate)}/s${p.waiting ? '  (waiting for the clock)' : ''}`,
        );
        drawn = true;
      } else if (p.label !== lastLabel || now - lastLine > 5000) {
        lastLine = now;
        lastLabel = p.label;
        stream.write(`${p.label}: ${fmt(p.done)}/${fmt(p.total)} events, ${fmt(p.sent)} sent\n`);
      }
    },
    done() {
      if (drawn) stream.write('\n');
    },
  };
}

export function summary(result: RunResult): string {
  const secs = result.elapsedMs / 1000;
  const t = result.totals;
  const lines = [
    `days: ${result.days.join(', ') || '(none)'}`,
    `events sent ${fmt(t.sent)} in ${secs.toFixed(1)} s (${fmt(Math.round(t.sent / Math.max(secs, 0.001)))} events/s): accepted ${fmt(t.accepted)}, duplicates ${fmt(t.duplicates)}, rejected ${fmt(t.rejected)}; ${fmt(t.batches)} batches, ${fmt(t.retries)} retries`,
  ];
  if (result.generated > t.sent) lines.push(`not confirmed by the hub (the run was stopped): ${fmt(result.generated - t.sent)} events`);
  if (result.skippedTooOld > 0) lines.push(`not sent: ${fmt(result.skippedTooOld)} carry-over events older than the hub keeps`);
  lines.push('by source:');
  for (const s of SOURCES) {
    const x = result.stats.get(s);
    if (x)
      lines.push(
        `  ${s.padEnd(10)} ${fmt(x.sent).padStart(9)} sent ${fmt(x.accepted).padStart(9)} accepted ${fmt(x.duplicates).padStart(9)} duplicates ${fmt(x.rejected).padStart(5)} rejected`,
      );
  }
  const lastDay = result.days[result.days.length - 1];
  if (lastDay) {
    const f = result.tally.figures(Date.parse(`${lastDay}T00:00:00Z`) / 86_400_000, 'center:yiyang');
    const pct = (x: number | null) => (x === null ? '-' : `${(x * 100).toFixed(1)}%`);
    lines.push(
      `${lastDay} at the city center, as sent: ${fmt(f.cases.completed)} cases completed (early ${pct(f.cases.earlyRate)}, on time ${pct(f.cases.onTimeRate)}), ${fmt(f.tickets.issued)} tickets (avg wait ${f.tickets.avgWaitSec ?? '-'} s), ${fmt(f.ratings.total)} ratings (satisfied ${pct(f.ratings.satisfactionRate)}, ${f.ratings.bad} bad), portal ${fmt(f.portal.pv)} PV / ${fmt(f.portal.uv)} UV, ${f.trades.count} deals ${fmt(Math.round(f.trades.amount))} yuan`,
    );
  }
  return lines.join('\n');
}
