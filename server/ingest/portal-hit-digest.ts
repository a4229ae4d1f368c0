/**
 * What the append script counts of a batch's portal hits, sent beside their records so that the
 * script does not decode them (server/aggregate/portal-hits.lua, `readDigest`).
 *
 * Portal hits are about 85% of a day's events, and decoding a hit's record (JSON of the whole
 * event) cost Redis more than counting it. The digest says the same in little: the groups of hits
 * that count alike (scopes, day, hour and minute bucket) and per hit its position in the batch,
 * group, column and visitor. It is built from the very records the script appends, so the two
 * cannot disagree; the backlog and the rebuild count hits from the records (`tally`), and tests
 * check that both ways give the same figures.
 */
import type { StreamRecord } from './enrich-event.ts';

/** A group of hits: [scopes, day index, hour bucket, minute bucket]. */
type DigestGroup = [StreamRecord['scopes'], number, string, string];

export interface PortalHitDigest {
  /** The groups, numbered from 1 in `hits`. */
  groups: DigestGroup[];
  /** Per hit, flat: its 1-based position in the batch, its group, column, visitor. */
  hits: (number | string)[];
}

export function portalHitDigest(records: readonly StreamRecord[]): PortalHitDigest {
  const groups: DigestGroup[] = [];
  const groupByKey = new Map<string, number>();
  const hits: (number | string)[] = [];
  // a batch's hits nearly always share their group: compare with the last before building a key
  let last: DigestGroup | undefined;
  let lastNumber = 0;
  records.forEach((r, i) => {
    const e = r.e;
    if (e.type !== 'portal.hit') return;
    if (!last || !sameGroup(last, r)) {
      const key = JSON.stringify([r.scopes, r.day, r.hh, r.mm]);
      let number = groupByKey.get(key);
      if (number === undefined) {
        groups.push([r.scopes, r.day, r.hh, r.mm]);
        number = groups.length;
        groupByKey.set(key, number);
      }
      last = groups[number - 1]!;
      lastNumber = number;
    }
    hits.push(i + 1, lastNumber, e.column, e.visitor);
  });
  return { groups, hits };
}

function sameGroup([scopes, day, hh, mm]: DigestGroup, r: StreamRecord): boolean {
  if (day !== r.day || hh !== r.hh || mm !== r.mm || scopes.length !== r.scopes.length) return false;
  return scopes.every((s, i) => s === r.scopes[i]);
}
