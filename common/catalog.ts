/** Reference data of the centers (config/catalog/, GET /api/v1/catalog): shapes shared by the hub, the mock and the web. */
/** A center's code (`CENTER_CODE_RE` of events.ts); the centers themselves are data (the catalog). */
export type CenterCode = string;

export interface Center {
  code: CenterCode;
  name: string;
  short: string;
  level: 'city' | 'district';
}
export interface Department {
  code: string;
  center: CenterCode;
  name: string;
  queue: string;
}
export interface ServiceWindow {
  code: string;
  center: CenterCode;
  dept: string;
  number: number;
  name: string;
  staff: string[];
}
export interface ServiceItem {
  code: string;
  dept: string;
  name: string;
  promisedDays: number;
}
export interface Staff {
  code: string;
  name: string;
  dept: string;
  window: string;
}

export interface Catalog {
  centers: Center[];
  departments: Department[];
  windows: ServiceWindow[];
  items: ServiceItem[];
  staff: Staff[];
}

/**
 * A scope names what a number is about: the whole city, one center, one department or one window;
 * or one member of staff (`staff:<code>`, the tickets they served and the ratings naming them),
 * which only signed-in supervisors and leaders read (docs/metrics.md, "Staff"), never a wall.
 */
export type Scope = 'city' | `center:${string}` | `dept:${string}` | `window:${string}` | StaffScope;
export type StaffScope = `staff:${string}`;

export function isScope(value: string): value is Scope {
  return value === 'city' || /^(center|dept|window|staff):[A-Za-z0-9._-]{1,64}$/.test(value);
}

/** A member of staff's scope: figures about a person, never shown on a wall screen. */
export function isStaffScope(value: string): value is StaffScope {
  return value.startsWith('staff:');
}

/** A scope a wall screen may show (a screen URL's `?scope=`, a screen token's): any but a person's. */
export function isWallScope(value: string): value is Exclude<Scope, StaffScope> {
  return isScope(value) && !isStaffScope(value);
}
