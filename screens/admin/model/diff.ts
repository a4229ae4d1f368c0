/**
 * A readable diff of an audit entry's before and after: the leaf paths whose values differ, e.g.
 * `notices.2.text: "旧" → "新"`. Lists are compared by position, records by key.
 */
export interface DiffLine {
  path: string;
  before: string | null;
  after: string | null;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const show = (v: unknown): string | null => (v === undefined ? null : JSON.stringify(v));

export function diffValues(before: unknown, after: unknown, path = '', out: DiffLine[] = [], max = 500): DiffLine[] {
  if (out.length >= max) return out;
  if (isObject(before) && isObject(after) && Array.isArray(before) === Array.isArray(after)) {
    const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
    for (const k of keys) diffValues(before[k], after[k], path ? `${path}.${k}` : k, out, max);
    return out;
  }
  if (JSON.stringify(before) !== JSON.stringify(after)) out.push({ path: path || '（整体）', before: show(before), after: show(after) });
  return out;
}
