import { Type } from '@sinclair/typebox';
import { defineKind, OneToOneNode, Packet, WeftError, type Category, type ErrorCode, type Problem } from '../../src/index.ts';
import { categories, isCategory } from '../_shared/categories.ts';

/** The kind name. */
export const kind = 'throw';

/** The throw's own spec fields; each one given wins over what the payload says. */
export const schema = Type.Object({
  category: Type.Optional(Type.String({ description: 'The error category (docs/errors.md), e.g. "not found"; default: the payload’s, else internal.' })),
  message: Type.Optional(Type.String({ description: 'The error message; default: taken from the payload.' })),
});

/** The code a thrown error gets for each category (a code belongs to exactly one category). */
export const THROWN_CODES = {
  'invalid argument': 'ERR_THROWN_INVALID_ARGUMENT',
  'not found': 'ERR_THROWN_NOT_FOUND',
  'already exists': 'ERR_THROWN_ALREADY_EXISTS',
  'permission denied': 'ERR_THROWN_PERMISSION_DENIED',
  unauthenticated: 'ERR_THROWN_UNAUTHENTICATED',
  'resource exhausted': 'ERR_THROWN_RESOURCE_EXHAUSTED',
  'failed precondition': 'ERR_THROWN_FAILED_PRECONDITION',
  aborted: 'ERR_THROWN_ABORTED',
  'deadline exceeded': 'ERR_THROWN_DEADLINE_EXCEEDED',
  unavailable: 'ERR_THROWN_UNAVAILABLE',
  unimplemented: 'ERR_THROWN_UNIMPLEMENTED',
  internal: 'ERR_THROWN_INTERNAL',
} as const satisfies Record<Category, ErrorCode>;

/** The fields of a throw spec that shape its errors. */
export interface ThrowFields {
  readonly category?: Category;
  readonly message?: string;
}

/**
 * The error a throw makes of a payload. An error payload with no fields set is rethrown as it
 * is. Otherwise: category = the field, else a map payload's `category` (an unknown one gives
 * ERR_THROW_INPUT), else an error payload's, else internal; message = the field, else the
 * payload's (a string; a map's or an error's `message`; a list's element messages, one per
 * line; anything else as JSON); an error payload, or the errors in a list, are the cause.
 */
export function thrownError(payload: unknown, fields: ThrowFields): Error {
  if (payload instanceof Error && fields.category === undefined && fields.message === undefined) return payload;
  let category = fields.category;
  if (category === undefined) {
    const named = isMap(payload) ? payload.category : undefined;
    if (named !== undefined && !isCategory(named)) return new WeftError('ERR_THROW_INPUT', { category: String(named) });
    category = named ?? (payload instanceof WeftError ? payload.category : 'internal');
  }
  return new WeftError(THROWN_CODES[category], { message: fields.message ?? messageOf(payload) }, { cause: causeOf(payload) });
}

function messageOf(payload: unknown): string {
  if (typeof payload === 'string') return payload;
  if (payload instanceof Error) return payload.message;
  if (Array.isArray(payload)) return payload.map(messageOf).join('\n');
  if (isMap(payload) && typeof payload.message === 'string') return payload.message;
  if (payload === null || payload === undefined) return 'an error was thrown';
  if (payload instanceof Uint8Array) return `${payload.byteLength} bytes`;
  return JSON.stringify(payload, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value)) ?? String(payload);
}

function causeOf(payload: unknown): unknown {
  if (payload instanceof Error) return payload;
  if (!Array.isArray(payload)) return undefined;
  const errors = payload.filter((element): element is Error => element instanceof Error);
  return errors.length === 0 ? undefined : new AggregateError(errors, errors.map((error) => error.message).join('\n'));
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array) && !(value instanceof Error);
}

/** Turns every input into an error packet on `error` (uniflow §10 `throw`, with categories). */
export class ThrowNode extends OneToOneNode {
  constructor(fields: ThrowFields) {
    super((_process, packet) => new Packet(thrownError(packet.payload, fields)));
  }
}

function validate(spec: { category?: string }): Problem[] {
  if (spec.category === undefined || isCategory(spec.category)) return [];
  return [{ path: 'category', code: 'ERR_SPEC_INVALID', message: `must be one of: ${categories.join(', ')}` }];
}

/** `throw`: raise a coded error from the payload. */
export const definition = defineKind({
  kind,
  description: 'Turns its input into an error (category and message from the fields or the payload) and sends it to error.',
  schema,
  ports: { in: ['in'], out: ['error'] },
  validate,
  codec: (spec) => new ThrowNode({ category: spec.category as Category | undefined, message: spec.message }),
});
