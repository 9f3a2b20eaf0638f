/** A packet's value for the event stream: its JSON, cut to `max` characters (`truncated` says so). */
export function previewValue(value: unknown, max: number): { json: string; truncated?: true } {
  let json: string;
  try {
    json = value instanceof Uint8Array ? JSON.stringify(`<${value.byteLength} bytes>`) : (JSON.stringify(value) ?? 'null');
  } catch {
    json = JSON.stringify(String(value));
  }
  return json.length > max ? { json: json.slice(0, max), truncated: true } : { json };
}
