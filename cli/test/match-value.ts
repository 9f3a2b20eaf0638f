import { isDeepStrictEqual } from 'node:util';

/**
 * Whether `actual` equals `expected` as data: numbers and bigints compare by value, byte
 * arrays compare with the string of their UTF-8 text, maps by their fields.
 */
export function equalValue(actual: unknown, expected: unknown): boolean {
  return isDeepStrictEqual(plain(actual), plain(expected));
}

/**
 * Whether `actual` holds `expected`: a map holds the fields given (recursively), a list holds
 * lists of the same length whose items hold the given ones, anything else is equal.
 */
export function matchValue(actual: unknown, expected: unknown): boolean {
  const value = plain(actual);
  if (Array.isArray(expected)) return Array.isArray(value) && value.length === expected.length && expected.every((item, index) => matchValue(value[index], item));
  if (isMap(expected)) return isMap(value) && Object.entries(expected).every(([key, item]) => key in value && matchValue(value[key], item));
  return isDeepStrictEqual(value, plain(expected));
}

/** A value as a test file could write it: JSON data (bytes as text, bigints as numbers, errors as {code, message}). */
export function plain(value: unknown): unknown {
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    return typeof code === 'string' ? { code, message: value.message } : { message: value.message };
  }
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Map) return plain(Object.fromEntries(value));
  if (Array.isArray(value)) return value.map(plain);
  if (isMap(value)) return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined).map(([key, item]) => [key, plain(item)]));
  return value;
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array) && !(value instanceof Error);
}
