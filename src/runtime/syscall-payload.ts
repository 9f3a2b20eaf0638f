import { Type, type TObject } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import { WeftError } from '../errors/index.ts';
import { pointerToPath } from '../scheme/index.ts';
import { DEFAULT_NAMESPACE } from '../spec/index.ts';
import type { SpecFilter } from '../store/index.ts';
import { isPlainObject } from './merge-patch.ts';

const Names = Type.Union([Type.String({ minLength: 1 }), Type.Array(Type.String({ minLength: 1 }))]);

/** The filter the read and delete calls take: every given field must match. */
const filterProperties = {
  namespace: Type.Optional(Type.String({ minLength: 1, description: 'Defaults to `default`, unless `id` is given.' })),
  id: Type.Optional(Names),
  name: Type.Optional(Names),
  kind: Type.Optional(Names),
};

const readCheck = TypeCompiler.Compile(Type.Object(filterProperties, { additionalProperties: false }));
const deleteCheck = TypeCompiler.Compile(Type.Object(
  { ...filterProperties, force: Type.Optional(Type.Boolean({ description: 'Allows deleting specs of the runtime\'s own namespace.' })) },
  { additionalProperties: false },
));

/** A parsed read or delete payload: the store filter, and whether `force` was given. */
export interface ParsedFilter {
  readonly filter: SpecFilter;
  readonly force: boolean;
}

/**
 * Turns a read or delete payload into a store filter. null (or nothing) means `{}`. The
 * namespace defaults to `default` unless the filter names ids (ids are unique across
 * namespaces), so no payload ever selects every namespace. Unknown keys and wrong types are
 * refused with ERR_SYSCALL_PAYLOAD listing each problem.
 */
export function parseFilter(opcode: string, payload: unknown, mode: 'read' | 'delete'): ParsedFilter {
  // A read of null is every spec of every namespace, as uniflow's admin workflow relies on (GET /v1/nodes).
  if (mode === 'read' && (payload === null || payload === undefined)) return { filter: {}, force: false };
  const input = payload ?? {};
  if (!isPlainObject(input)) throw payloadError(opcode, `a filter must be an object {namespace?, id?, name?, kind?}, got ${describeValue(input)}`);
  check(opcode, mode === 'read' ? readCheck : deleteCheck, input);
  const { force, ...fields } = input as SpecFilter & { force?: boolean };
  const filter: SpecFilter = fields.id === undefined ? { ...fields, namespace: fields.namespace ?? DEFAULT_NAMESPACE } : fields;
  return { filter, force: force === true };
}

/** The items of a create or update payload: one object, or a list; `single` says which it was. */
export function payloadItems(opcode: string, payload: unknown, what: string): { items: unknown[]; single: boolean } {
  if (Array.isArray(payload)) return { items: payload, single: false };
  if (isPlainObject(payload)) return { items: [payload], single: true };
  throw payloadError(opcode, `expected ${what} or a list of them, got ${describeValue(payload)}`);
}

/**
 * ERR_SYSCALL_PAYLOAD for `opcode`; problems given as `details` ({path, message}) get the code
 * too, so that they read like the Scheme's problems (path, message, code) wherever they are listed.
 */
export function payloadError(opcode: string, reason: string, details?: readonly { readonly path: string; readonly message: string }[]): WeftError {
  const problems = details?.map((problem) => ({ ...problem, code: 'ERR_SYSCALL_PAYLOAD' as const }));
  return new WeftError('ERR_SYSCALL_PAYLOAD', { opcode, reason }, { details: problems });
}

/** How a value is named in messages: null, a list, a string… */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Error) return 'an error';
  if (ArrayBuffer.isView(value)) return 'bytes';
  if (isPlainObject(value)) return 'an object';
  return typeof value === 'object' ? 'a non-JSON object' : `a ${typeof value}`;
}

function check(opcode: string, compiled: TypeCheck<TObject>, input: unknown): void {
  const problems: { path: string; message: string }[] = [];
  const paths = new Set<string>();
  for (const error of compiled.Errors(input)) {
    const path = pointerToPath(error.path);
    if (!paths.has(path)) problems.push({ path, message: error.message });
    paths.add(path);
  }
  if (problems.length === 0) return;
  const reason = problems.map((problem) => `${problem.path || '(filter)'}: ${problem.message}`).join('; ');
  throw payloadError(opcode, reason, problems);
}
