/**
 * A payload as plain JSON for the ops plane: bigints become numbers (strings beyond 2^53),
 * bytes become `{bytes: BASE64}`, errors become `{code, category, message}`, `undefined`
 * becomes null. Everything else already is JSON (payloads are plain values, DESIGN.md §2).
 */
export function jsonPayload(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (value instanceof Uint8Array) return { bytes: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') };
  if (value instanceof Error) return errorJson(value);
  if (Array.isArray(value)) return value.map(jsonPayload);
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = jsonPayload(item);
    return out;
  }
  return value;
}

/** An error as JSON: its code, category and message (an uncoded one is ERR_INTERNAL). */
export function errorJson(error: Error): { code: string; category: string; message: string } {
  const coded = error as Error & { code?: unknown; category?: unknown };
  return {
    code: typeof coded.code === 'string' ? coded.code : 'ERR_INTERNAL',
    category: typeof coded.category === 'string' ? coded.category : 'internal',
    message: error.message,
  };
}
