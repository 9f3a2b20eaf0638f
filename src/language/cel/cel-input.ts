/** Payloads already checked that have nested objects: the same object (or its Map-based copy) for each. */
const checked = new WeakMap<object, unknown>();

/**
 * The payload as the CEL library can read it. The library tells maps from lists and messages
 * by `value.constructor`, so an object with a key named `constructor` (a JSON body or query
 * `{"constructor": …}`) was "Unsupported type: object" for every expression. Such objects (at
 * any depth) are handed over as Maps, which CEL reads as the same map; everything else is
 * passed as it is. Accessors are not called, and a payload without such a key is not copied.
 * A flat payload (no object inside: a WebSocket frame event, a small JSON message) is checked
 * in one pass on every call and not remembered (adding to the WeakMap is what costs); a nested
 * one is walked once and the answer kept per object.
 */
export function celInput(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  // A lookup first: a miss is cheap, a hit (a nested payload read again) cheaper than a walk.
  const known = checked.get(value);
  if (known !== undefined) return known;
  if (isFlat(value)) return value;
  const safe = convert(value, 0);
  checked.set(value, safe);
  return safe;
}

/** Deeper values are left as they are: the library's own nesting limits apply to them. */
const MAX_DEPTH = 200;

/** True when `value` needs no conversion and holds no object to walk (bytes and other non-plain objects included). */
function isFlat(value: object): boolean {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (typeof item === 'object' && item !== null) return false;
    }
    return true;
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return true;
  if (Object.hasOwn(value, 'constructor')) return false;
  for (const key of Object.keys(value)) {
    const item: unknown = Object.getOwnPropertyDescriptor(value, key)?.value;
    if (typeof item === 'object' && item !== null) return false;
  }
  return true;
}

function convert(value: object, depth: number): unknown {
  if (depth > MAX_DEPTH) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const safe = typeof item === 'object' && item !== null ? convert(item, depth + 1) : item;
      if (safe !== item) (copy ??= [...value])[i] = safe;
    }
    return copy ?? value;
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return value;
  const record = value as Record<string, unknown>;
  let changed = Object.hasOwn(record, 'constructor');
  // Accessors are not called here (a lazily decoded body stays lazy), only read when copying.
  let safeValues: Map<string, unknown> | undefined;
  for (const key of Object.keys(record)) {
    const item: unknown = Object.getOwnPropertyDescriptor(record, key)?.value;
    if (typeof item !== 'object' || item === null) continue;
    const safe = convert(item, depth + 1);
    if (safe !== item) {
      changed = true;
      (safeValues ??= new Map()).set(key, safe);
    }
  }
  if (!changed) return value;
  const entries: [string, unknown][] = Object.keys(record).map((key) => [key, safeValues?.has(key) === true ? safeValues.get(key) : record[key]]);
  return Object.hasOwn(record, 'constructor') ? new Map(entries) : Object.fromEntries(entries);
}
