/** Deeper payloads are counted as if this deep: the serializer refuses cycles anyway. */
const MAX_DEPTH = 1000;

/**
 * The size of a payload that is not plain JSON (it holds a Uint8Array, a bigint, NaN…) as the
 * payload limit counts it: characters of strings and keys, bytes of byte arrays, 8 per other
 * value. The walk stops as soon as the size passes `limit`, so a huge payload costs little to
 * refuse. JSON payloads are measured by their text instead (SandboxWorker).
 */
export function payloadSize(value: unknown, limit: number): number {
  let size = 0;
  const walk = (item: unknown, depth: number): void => {
    if (size > limit) return;
    if (typeof item === 'string') {
      size += item.length;
      return;
    }
    size += 8;
    if (typeof item !== 'object' || item === null || depth > MAX_DEPTH) return;
    if (ArrayBuffer.isView(item)) {
      size += item.byteLength;
      return;
    }
    if (Array.isArray(item)) {
      for (const element of item) walk(element, depth + 1);
      return;
    }
    for (const key of Object.keys(item)) {
      size += key.length;
      walk((item as Record<string, unknown>)[key], depth + 1);
    }
  };
  walk(value, 0);
  return size;
}
