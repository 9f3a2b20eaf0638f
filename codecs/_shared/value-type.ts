/** Names the type of a payload for messages: null, a list, a map, an error, bytes or the JS type. */
export function valueType(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Error) return 'an error';
  if (value instanceof Uint8Array) return 'bytes';
  return typeof value === 'object' ? 'a map' : typeof value;
}
