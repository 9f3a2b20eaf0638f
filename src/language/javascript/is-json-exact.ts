/** Deeper payloads take the structured path, which has no such limit to worry about. */
const MAX_DEPTH = 64;

/**
 * True when JSON carries `value` exactly: null, booleans, strings, finite numbers other than
 * -0, and lists (without holes) and plain objects of those. The process sandbox sends such
 * payloads as JSON text, which its child hands to the isolate unparsed; anything else (a
 * Uint8Array, a bigint, NaN, undefined) goes in V8's structured-clone format. Cost: one walk,
 * cheaper than the child-side decode and copy it saves.
 */
export function isJsonExact(value: unknown, depth = 0): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value) && !(value === 0 && 1 / value < 0);
    case 'object': {
      if (value === null) return true;
      if (depth >= MAX_DEPTH) return false;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) if (!isJsonExact(value[i], depth + 1)) return false;
        return true;
      }
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) return false;
      const object = value as Record<string, unknown>;
      for (const key of Object.keys(object)) if (!isJsonExact(object[key], depth + 1)) return false;
      return true;
    }
    default:
      return false;
  }
}
