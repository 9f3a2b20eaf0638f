import { WeftError } from '../../../src/index.ts';

/**
 * A payload as a protobuf message for grpc-js: a map of the message's fields, with bigints as
 * decimal strings (how 64-bit fields are given; protobufjs converts them for any numeric field).
 * Anything else gives `refuse(reason)`.
 */
export function messageOf(value: unknown, refuse: (reason: string) => WeftError = replyInvalid): object | WeftError {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Uint8Array) {
    return refuse(`a message is a map of its fields, not ${describe(value)}`);
  }
  return withoutBigints(value) as object;
}

function replyInvalid(reason: string): WeftError {
  return new WeftError('ERR_GRPC_REPLY_INVALID', { reason });
}

function withoutBigints(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return value.map(withoutBigints);
  if (typeof value !== 'object' || value === null || value instanceof Uint8Array) return value;
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) out[key] = withoutBigints(field);
  return out;
}

/** How a value is named in a refusal. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Uint8Array) return 'bytes';
  return `a ${typeof value}`;
}
