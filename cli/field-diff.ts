import { isDeepStrictEqual } from 'node:util';
import type { Spec } from '../src/index.ts';

/** One changed field of an updated spec: its path, and its value before and after (absent: not set). */
export interface FieldChange {
  readonly path: string;
  readonly op: 'add' | 'remove' | 'change';
  readonly old?: unknown;
  readonly new?: unknown;
}

/** Fields the store owns: never part of a diff. */
const OWNED = new Set(['id', 'revision']);

/**
 * The field-level difference between a stored spec and its replacement, in field order:
 * objects are compared key by key and arrays index by index, down to the first values that
 * differ. Paths read like problem paths (`links.out[0].name`, `env["a.b"]`).
 */
export function fieldDiff(before: Spec, after: Spec): FieldChange[] {
  const changes: FieldChange[] = [];
  compare(withoutOwned(before), withoutOwned(after), '', changes);
  return changes;
}

function compare(old: unknown, next: unknown, path: string, changes: FieldChange[]): void {
  if (isDeepStrictEqual(old, next)) return;
  if (isRecord(old) && isRecord(next)) {
    for (const key of new Set([...Object.keys(old), ...Object.keys(next)])) {
      const child = `${path}${keyPath(key, path === '')}`;
      if (!Object.hasOwn(next, key)) changes.push({ path: child, op: 'remove', old: old[key] });
      else if (!Object.hasOwn(old, key)) changes.push({ path: child, op: 'add', new: next[key] });
      else compare(old[key], next[key], child, changes);
    }
    return;
  }
  if (Array.isArray(old) && Array.isArray(next)) {
    for (let index = 0; index < Math.max(old.length, next.length); index++) {
      const child = `${path}[${index}]`;
      if (index >= next.length) changes.push({ path: child, op: 'remove', old: old[index] });
      else if (index >= old.length) changes.push({ path: child, op: 'add', new: next[index] });
      else compare(old[index], next[index], child, changes);
    }
    return;
  }
  changes.push({ path, op: 'change', old, new: next });
}

function keyPath(key: string, top: boolean): string {
  if (/^[A-Za-z_$][\w$-]*$/.test(key)) return top ? key : `.${key}`;
  return `[${JSON.stringify(key)}]`;
}

function withoutOwned(spec: Spec): Record<string, unknown> {
  return Object.fromEntries(Object.entries(spec).filter(([key]) => !OWNED.has(key)));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
