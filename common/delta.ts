/**
 * Snapshot deltas for the realtime layer, shared by the hub (diff) and the web (apply).
 *
 * A delta is a list of `[path, value]` changes. Rules, chosen so a change always survives JSON:
 * - a leaf (number, string, boolean, null) that differs is sent at its path;
 * - an array that differs is sent whole (calls lists are short; element diffs are not worth it);
 * - an object the previous state did not have is sent whole;
 * - an object that lost a key is sent whole (JSON has no `undefined`, so a "delete" cannot be
 *   told apart from `null`; keys are rarely removed, so this costs nothing in practice);
 * - a change of kind (object ↔ leaf/array) is sent whole at that path.
 * `path: []` replaces the whole state.
 *
 * Both functions are pure: `applyChanges` copies the objects along each changed path and shares
 * everything else with the input (copy on write), so the input is never mutated.
 */
import type { Change } from './live.ts';

export type { Change };

type PlainObject = Record<string, unknown>;

function isPlainObject(value: unknown): value is PlainObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Deep equality of JSON values. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (isPlainObject(a)) {
    if (!isPlainObject(b)) return false;
    const ak = Object.keys(a);
    if (ak.length !== Object.keys(b).length) return false;
    for (const k of ak) if (!Object.hasOwn(b, k) || !jsonEqual(a[k], b[k])) return false;
    return true;
  }
  return false;
}

/** The changes that turn `prev` into `next` (see the rules above). Empty when they are equal. */
export function diffSnapshot(prev: unknown, next: unknown): Change[] {
  const changes: Change[] = [];
  diffInto(prev, next, [], changes);
  return changes;
}

function diffInto(prev: unknown, next: unknown, path: string[], out: Change[]): void {
  if (prev === next) return;
  if (!isPlainObject(prev) || !isPlainObject(next)) {
    if (!jsonEqual(prev, next)) out.push([path, next]);
    return;
  }
  for (const key of Object.keys(prev)) {
    if (!Object.hasOwn(next, key)) {
      out.push([path, next]);
      return;
    }
  }
  for (const key of Object.keys(next)) {
    const nextValue = next[key];
    if (!Object.hasOwn(prev, key)) {
      out.push([[...path, key], nextValue]);
      continue;
    }
    diffInto(prev[key], nextValue, [...path, key], out);
  }
}

/** Keys that must never be written through a path (prototype pollution from a crafted delta). */
const FORBIDDEN_KEYS = new Set(['__proto__', 'prototype', 'constructor']);

export class InvalidChangeError extends Error {
  override name = 'InvalidChangeError';
}

/**
 * Returns `state` with `changes` applied, without mutating `state`. A missing or non-object
 * parent on the way is replaced by an empty object. Throws InvalidChangeError on a forbidden key.
 */
export function applyChanges<T>(state: T, changes: readonly Change[]): T {
  let root: unknown = state;
  for (const [path, value] of changes) {
    for (const key of path) {
      if (FORBIDDEN_KEYS.has(key)) throw new InvalidChangeError(`delta path ${JSON.stringify(path)} contains the forbidden key "${key}"`);
    }
    root = setAt(root, path, 0, value);
  }
  return root as T;
}

function setAt(node: unknown, path: readonly string[], depth: number, value: unknown): unknown {
  if (depth === path.length) return value;
  const key = path[depth]!;
  const copy: PlainObject = isPlainObject(node) ? { ...node } : {};
  copy[key] = setAt(copy[key], path, depth + 1, value);
  return copy;
}
