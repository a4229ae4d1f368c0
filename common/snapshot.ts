/** The snapshot of one scope on one day (docs/api.md; figures: docs/metrics.md): what every screen shows. */
import type { Scope } from './catalog.ts';

export interface CaseFigures {
  accepted: number;
  completed: number;
  completedEarly: number;
  completedOnTime: number;
  /** Completed that day after the due date, plus (today only) open cases past their deadline now. */
  overdue: number;
  /** Open cases past their deadline now (today only; 0 for past days). */
  overdueOpen: number;
  returned: number;
  inProgress: number;
  earlyRate: number | null;
  onTimeRate: number | null;
}

export interface TicketFigures {
  issued: number;
  called: number;
  waiting: number;
  started: number;
  finished: number;
  noShow: number;
  transferred: number;
  avgWaitSec: number | null;
  p90WaitSec: number | null;
  avgServiceSec: number | null;
  noShowRate: number | null;
}

export interface RatingFigures {
  total: number;
  byScore: Record<'1' | '2' | '3' | '4' | '5', number>;
  satisfactionRate: number | null;
  bad: number;
}

export interface WindowState {
  status: 'open' | 'serving' | 'paused' | 'closed' | 'unknown';
  since: string | null;
  staff: string | null;
  /** The ticket called to this window today and not yet finished, missed or transferred. */
  ticket: string | null;
  calledAt: string | null;
  /** `called`: the ticket is called and not yet started (the LED says 请 B417 号); `serving`: started. */
  ticketState: 'called' | 'serving' | null;
  /** Seconds open or serving today, including the current stretch. */
  openSec: number;
  /** Tickets finished per open hour today (null before an hour's worth of data). */
  throughputPerHour: number | null;
}

/** One tile of a center's window grid. */
export interface WindowTile {
  status: WindowState['status'];
  staff: string | null;
  ticket: string | null;
}

export interface RecentCall {
  ticket: string;
  window: string;
  at: string;
}

export interface Snapshot {
  scope: Scope;
  date: string;
  asOf: string;
  cases: CaseFigures;
  tickets: TicketFigures;
  ratings: RatingFigures;
  portal: { pv: number; uv: number; byColumn: Record<string, number> };
  trades: { count: number; amount: number; byCategory: Record<string, { count: number; amount: number }> };
  fees: { count: number; amount: number };
  complaints: { filed: number; closed: number };
  /**
   * `open`, `yellow`, `red`: alerts unresolved now (whatever the date asked); `raised`,
   * `raisedYellow`, `raisedRed`: alerts raised on the snapshot's day, yellow cards raised, and
   * cards that turned red (opened red or overdue) that day.
   */
  alerts: { open: number; yellow: number; red: number; raised: number; raisedYellow: number; raisedRed: number };
  /** Present for `window:` scopes. */
  window?: WindowState;
  /** Present for `center:` scopes: every window of the center, by window code. */
  windows?: Record<string, WindowTile>;
  /** Present for `center:` scopes: the latest calls (recalls included), newest first. */
  calls?: RecentCall[];
}
