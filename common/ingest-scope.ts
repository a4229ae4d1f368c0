/**
 * What an ingest token may send: its source's events, optionally only for some centers and some
 * event types. Written in INGEST_TOKENS as `source=token[@center|center…][#type|type…]`
 * (`queue=Qk3v…@yiyang|heshan#ticket.*|window.status`) and given to the admin API and CLI as
 * lists. Shared by the hub (which enforces it) and the mock (which reads the same variable).
 */
import { z } from 'zod';
import { CENTER_CODE_RE, EVENT_TYPES, type EventType } from './events.ts';

/** The scope as written and stored: absent lists mean "all". */
export interface IngestScopeSpec {
  centers?: string[];
  types?: string[];
}

/** The scope as checked for each event: Sets, so a check is one lookup. */
export interface IngestScope {
  /** Centers the token may send for; null: every center. */
  centers: ReadonlySet<string> | null;
  /** Event types it may send (family patterns expanded); null: every type. */
  types: ReadonlySet<EventType> | null;
  /** The spec it was made from (patterns as given), for listing and messages. */
  spec: IngestScopeSpec;
}

export const ANY_SCOPE: IngestScope = { centers: null, types: null, spec: {} };

export class ScopeInputError extends Error {
  override name = 'ScopeInputError';
  constructor(
    message: string,
    readonly field: 'centers' | 'types',
  ) {
    super(message);
  }
}

const TYPES: ReadonlySet<string> = new Set(EVENT_TYPES);
/** `ticket.*` stands for every `ticket.…` type. */
const FAMILIES = new Map<string, EventType[]>();
for (const t of EVENT_TYPES) {
  const family = `${t.slice(0, t.indexOf('.'))}.*`;
  FAMILIES.set(family, [...(FAMILIES.get(family) ?? []), t]);
}
export const TYPE_PATTERNS = [...FAMILIES.keys(), ...EVENT_TYPES];

/** A scope's lists as the admin API takes them: `null` means all, absent means "keep the current one". */
export const ingestScopeBody = z
  .object({
    centers: z.array(z.string().max(64)).max(64).nullable().optional(),
    types: z.array(z.string().max(64)).max(64).nullable().optional(),
  })
  .strict();

/**
 * Checks a spec against the event types of contract v1 and, given `knownCenters` (the live
 * catalog's), against the centers; without it a center is only checked to be a center code (the
 * hub checks INGEST_TOKENS against the catalog at start). Builds its Sets.
 */
export function makeScope(spec: IngestScopeSpec, knownCenters?: ReadonlySet<string>): IngestScope {
  const out: IngestScopeSpec = {};
  let centers: Set<string> | null = null;
  let types: Set<EventType> | null = null;
  if (spec.centers !== undefined) {
    if (spec.centers.length === 0) throw new ScopeInputError('centers is empty: name at least one center, or leave it out for all', 'centers');
    for (const c of spec.centers) {
      if (knownCenters ? !knownCenters.has(c) : !CENTER_CODE_RE.test(c))
        throw new ScopeInputError(`"${c}" is not a center${knownCenters ? ` (${[...knownCenters].join(', ')})` : ''}`, 'centers');
    }
    centers = new Set(spec.centers);
    out.centers = [...centers];
  }
  if (spec.types !== undefined) {
    if (spec.types.length === 0) throw new ScopeInputError('types is empty: name at least one event type, or leave it out for all', 'types');
    types = new Set();
    for (const p of spec.types) {
      const family = FAMILIES.get(p);
      if (family) for (const t of family) types.add(t);
      else if (TYPES.has(p)) types.add(p as EventType);
      else throw new ScopeInputError(`"${p}" is not an event type or a family pattern (${[...FAMILIES.keys()].join(', ')})`, 'types');
    }
    out.types = [...new Set(spec.types)];
  }
  return { centers, types, spec: out };
}

/** `@yiyang|heshan#ticket.*`, or '' for a token that may send anything of its source. */
export function formatScope(spec: IngestScopeSpec): string {
  return `${spec.centers ? `@${spec.centers.join('|')}` : ''}${spec.types ? `#${spec.types.join('|')}` : ''}`;
}

/**
 * One INGEST_TOKENS value after `source=`: the token ends at the first `@` or `#`; `@` lists
 * centers and `#` event types, each `|`-separated, in that order.
 */
export function splitTokenSpec(value: string): { token: string; spec: IngestScopeSpec } {
  // matches every string: a misplaced `@` or `#` shows up as an unknown center or type
  const m = /^([^@#]*)(?:@([^#]*))?(?:#(.*))?$/.exec(value.trim())!;
  const list = (s: string | undefined) =>
    s === undefined
      ? undefined
      : s
          .split('|')
          .map((x) => x.trim())
          .filter(Boolean);
  const spec: IngestScopeSpec = {};
  const centers = list(m[2]);
  const types = list(m[3]);
  if (centers) spec.centers = centers;
  if (types) spec.types = types;
  return { token: m[1]!.trim(), spec };
}
