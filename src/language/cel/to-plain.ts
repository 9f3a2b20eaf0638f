import { evaluate, Optional } from '@marcbachmann/cel-js';
import { Duration, UnsignedInt } from '@marcbachmann/cel-js/evaluator';
import { CelErrorValue } from './cel-error-value.ts';

/** The library's class of type values (`type(x)`), which it does not export. */
const TypeValue = (evaluate('type(1)') as object).constructor;

/**
 * Turns a CEL result into a weft payload (plain JS values, DESIGN.md §2):
 * - ints and uints: numbers when within ±(2^53 − 1), else they stay bigints (exact; the HTTP
 *   encoder writes those as strings);
 * - timestamps: RFC 3339 strings in UTC (`2024-01-01T00:00:00.000Z`); durations: CEL's JSON form
 *   (`5400s`, `1.5s`), which `duration()` reads back;
 * - type values: their name (`int`, `google.protobuf.Timestamp`); optionals: the value or null;
 * - maps: plain objects (keys as strings); lists and sets: arrays; bytes stay Uint8Array;
 * - an error payload (`self` of an error packet) becomes the original error again.
 * Lists and maps are copied only when something inside them changes, so a payload subtree
 * returned as it is (`self.body`) is neither copied nor allocated anew.
 */
export function toPlain(value: unknown): unknown {
  switch (typeof value) {
    case 'bigint':
      return intToPlain(value);
    case 'object':
      return value === null ? null : objectToPlain(value);
    default:
      return value;
  }
}

function intToPlain(value: bigint): number | bigint {
  return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(value) : value;
}

function objectToPlain(value: object): unknown {
  if (Array.isArray(value)) return listToPlain(value);
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype === Object.prototype || prototype === null) return mapToPlain(value as Record<string, unknown>);
  if (value instanceof Uint8Array || value instanceof Error) return value;
  if (value instanceof CelErrorValue) return value.error;
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Duration) return value.toString();
  if (value instanceof UnsignedInt) return intToPlain(value.valueOf());
  if (value instanceof Optional) return value.hasValue() ? toPlain(value.value()) : null;
  if (value instanceof TypeValue) return (value as { name: string }).name;
  if (value instanceof Map) return Object.fromEntries([...value].map(([key, item]) => [String(key), toPlain(item)]));
  if (value instanceof Set) return [...value].map(toPlain);
  return value;
}

function listToPlain(list: readonly unknown[]): readonly unknown[] {
  for (let i = 0; i < list.length; i++) {
    const item = list[i];
    const plain = toPlain(item);
    if (plain === item) continue;
    const copy = list.slice(0, i);
    copy.push(plain);
    for (let j = i + 1; j < list.length; j++) copy.push(toPlain(list[j]));
    return copy;
  }
  return list;
}

function mapToPlain(map: Record<string, unknown>): Record<string, unknown> {
  const keys = Object.keys(map);
  for (let i = 0; i < keys.length; i++) {
    const item = map[keys[i]!];
    const plain = toPlain(item);
    if (plain === item) continue;
    // Object.fromEntries defines own properties, so a `__proto__` key stays a key.
    const entries: [string, unknown][] = [];
    for (let j = 0; j < i; j++) entries.push([keys[j]!, map[keys[j]!]]);
    entries.push([keys[i]!, plain]);
    for (let j = i + 1; j < keys.length; j++) entries.push([keys[j]!, toPlain(map[keys[j]!])]);
    return Object.fromEntries(entries);
  }
  return map;
}
