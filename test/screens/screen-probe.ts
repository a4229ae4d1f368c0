/** Reads what a screen shows, from the page, for the browser tests. */
import type { Page } from 'playwright-core';
import type { Snapshot } from '../../common/snapshot.ts';
import { formatInt, formatMinutes, formatRate } from '../../web/util/format.ts';

export interface HallReading {
  waiting: { value: string; text: string };
  avgWait: { value: string; text: string };
  accepted: { value: string; text: string };
  completed: { value: string; text: string };
  satisfaction: { value: string; text: string };
  ratingsTotal: string;
  onTime: { value: string; text: string };
  early: { value: string; text: string };
  windows: { serving: number; open: number; paused: number; closed: number };
  latestCall: string | null;
}

export async function readHall(page: Page): Promise<HallReading> {
  return page.evaluate(() => {
    const q = (id: string) => document.querySelector<HTMLElement>(`[data-testid="${id}"]`);
    const kpi = (id: string) => ({ value: q(id)?.dataset.value ?? '', text: q(id)?.getAttribute('aria-label') ?? '' });
    const rate = (id: string) => ({ value: q(id)?.dataset.value ?? '', text: q(id)?.textContent?.trim() ?? '' });
    const n = (id: string) => Number(q(id)?.dataset.value ?? NaN);
    return {
      waiting: kpi('kpi-waiting'),
      avgWait: kpi('kpi-avg-wait'),
      accepted: kpi('kpi-accepted'),
      completed: kpi('kpi-completed'),
      satisfaction: rate('rate-satisfaction'),
      ratingsTotal: q('ratings-total')?.textContent?.trim() ?? '',
      onTime: rate('rate-ontime'),
      early: rate('rate-early'),
      windows: { serving: n('windows-serving'), open: n('windows-open'), paused: n('windows-paused'), closed: n('windows-closed') },
      latestCall: q('call-latest')?.dataset.ticket ?? null,
    };
  });
}

/** What the hall must show of a snapshot of its scope: the reading readHall is to find. */
export function hallShows(snap: Snapshot): HallReading {
  const tiles = Object.values(snap.windows ?? {});
  const count = (s: string) => tiles.filter((t) => t.status === s).length;
  return {
    waiting: { value: String(snap.tickets.waiting), text: formatInt(snap.tickets.waiting) },
    avgWait: { value: String(snap.tickets.avgWaitSec ?? ''), text: formatMinutes(snap.tickets.avgWaitSec) },
    accepted: { value: String(snap.cases.accepted), text: formatInt(snap.cases.accepted) },
    completed: { value: String(snap.cases.completed), text: formatInt(snap.cases.completed) },
    satisfaction: { value: String(snap.ratings.satisfactionRate ?? ''), text: formatRate(snap.ratings.satisfactionRate) },
    ratingsTotal: `（共 ${formatInt(snap.ratings.total)} 次评价）`,
    onTime: { value: String(snap.cases.onTimeRate ?? ''), text: formatRate(snap.cases.onTimeRate) },
    early: { value: String(snap.cases.earlyRate ?? ''), text: formatRate(snap.cases.earlyRate) },
    windows: { serving: count('serving'), open: count('open'), paused: count('paused'), closed: count('closed') },
    latestCall: snap.calls?.[0]?.ticket ?? null,
  };
}

/**
 * Elements whose text is cut off or spills out: wider content than box on an element that
 * clips, or a text element reaching outside the design canvas. The notices strip scrolls on
 * purpose and is left out.
 */
export async function cutOffText(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const canvas = document.querySelector('.yg-canvas');
    if (!canvas) return ['no .yg-canvas'];
    const bounds = canvas.getBoundingClientRect();
    const out: string[] = [];
    for (const el of canvas.querySelectorAll<HTMLElement>('*')) {
      if (el.closest('[data-testid="notices"]') || el.closest('.kpi-char') || el.closest('.yg-chart')) continue;
      const hasText = [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent!.trim() !== '');
      if (!hasText) continue;
      const style = getComputedStyle(el);
      const label = `${el.className || el.tagName}: "${el.textContent!.trim().slice(0, 30)}"`;
      if (el.scrollWidth > el.clientWidth + 1 && style.overflowX !== 'visible') out.push(`clipped ${label}`);
      const r = el.getBoundingClientRect();
      if (r.width === 0) continue;
      if (r.right > bounds.right + 1 || r.bottom > bounds.bottom + 1 || r.left < bounds.left - 1) out.push(`outside ${label}`);
      // Hidden by a clipping ancestor (a panel, a list) even though the element itself fits.
      for (let a = el.parentElement; a && a !== canvas; a = a.parentElement) {
        const cs = getComputedStyle(a);
        if (cs.overflowX === 'visible' && cs.overflowY === 'visible') continue;
        const ar = a.getBoundingClientRect();
        if (r.right > ar.right + 1 || r.bottom > ar.bottom + 1 || r.left < ar.left - 1 || r.top < ar.top - 1) {
          out.push(`clipped by ${a.className || a.tagName} ${label}`);
          break;
        }
      }
    }
    return out;
  });
}
