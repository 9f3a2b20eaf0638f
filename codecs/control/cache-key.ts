/**
 * A payload as a cache key: a string equal for equal payloads (object keys sorted, so `{a, b}`
 * and `{b, a}` are one key; bigints, bytes and strings tagged apart from look-alike numbers and
 * arrays). Undefined for a payload that cannot be a key (an error, a function, a cycle).
 */
export function cacheKey(payload: unknown): string | undefined {
  try {
    return encode(payload, new Set());
  } catch {
    return undefined;
  }
}

function encode(value: unknown, seen: Set<object>): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : `n:${String(value)}`;
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return `${value}n`;
    case 'undefined':
      return 'null';
    case 'object':
      break;
    default:
      throw new TypeError(`${typeof value} is not a key`);
  }
  if (value === null) return 'null';
  if (value instanceof Error) throw new TypeError('an error is not a key');
  if (seen.has(value)) throw new TypeError('a cycle is not a key');
  if (value instanceof Uint8Array) return `b:${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64')}`;
  seen.add(value);
  let text: string;
  if (Array.isArray(value)) {
    text = `[${value.map((item) => encode(item, seen)).join(',')}]`;
  } else {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record).filter((key) => record[key] !== undefined).sort();
    text = `{${keys.map((key) => `${JSON.stringify(key)}:${encode(record[key], seen)}`).join(',')}}`;
  }
  seen.delete(value);
  return text;
}
