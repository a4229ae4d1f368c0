/**
 * Answers of the figures that join a visit, its case and its rating (the join key, docs/metrics.md
 * "Visits and their cases"), and of the staff scope ("Staff"): shared by the hub and the screens.
 * The arithmetic is common/figures.ts's.
 */

/** The wait of a group of visits: how many, and their mean wait (whole seconds; null for none). */
export interface VisitWait {
  count: number;
  avgWaitSec: number | null;
}

/** Ratings joined to the cases of one item. */
export interface ItemRatings {
  item: string;
  name: string;
  ratings: number;
  bad: number;
  satisfactionRate: number | null;
}

/** Cases of one item accepted and returned (退件) on the day. */
export interface ItemReturns {
  item: string;
  name: string;
  accepted: number;
  returned: number;
  /** returned / accepted of the same day; null without an acceptance (a return may close an older case). */
  returnRate: number | null;
}

/** `GET /api/v1/visit-figures?scope=&date=` */
export interface VisitFiguresAnswer {
  scope: string;
  date: string;
  waits: { endedInCase: VisitWait; notEndedInCase: VisitWait };
  /** Ratings by the item of their case, most ratings first. */
  ratingsByItem: ItemRatings[];
  /** Ratings of the day with no item (未关联): no join key, or the case not (yet) known. */
  unjoinedRatings: number;
  /** Cases by item, most returns first (only items with an acceptance or a return). */
  returnsByItem: ItemReturns[];
}

/** One member of staff's figures of a day (the `staff:<code>` scope). */
export interface StaffFigures {
  staff: string;
  name: string;
  dept: string;
  window: string;
  /** Tickets finished (办结服务). */
  served: number;
  avgServiceSec: number | null;
  ratings: number;
  bad: number;
  satisfactionRate: number | null;
}

/** `GET /api/v1/staff/:id/figures?date=` */
export interface StaffFiguresAnswer extends StaffFigures {
  scope: `staff:${string}`;
  date: string;
}

/** `GET /api/v1/staff/figures?dept=&date=`: the department's staff, as in the catalog. */
export interface DeptStaffFiguresAnswer {
  dept: string;
  date: string;
  staff: StaffFigures[];
}
