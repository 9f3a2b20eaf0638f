import { WeftError } from '../errors/index.ts';
import type { LanguageRegistry } from '../language/index.ts';
import type { Scheme, Syscall, SyscallTable } from '../scheme/index.ts';
import { DEFAULT_NAMESPACE, describeSpec, normalizeSpec, type Spec, type StoredSpec } from '../spec/index.ts';
import type { SpecStore } from '../store/index.ts';
import { isPlainObject } from './merge-patch.ts';
import { parseFilter, payloadItems } from './syscall-payload.ts';
import { updateSpecs } from './update-specs.ts';
import { validateSpecs } from './validate-specs.ts';

/** What the spec system calls act on. */
export interface SpecSyscallsOptions {
  /** The runtime's store: the calls read and write it directly. */
  readonly store: SpecStore;
  /** Validates every spec before it is written. */
  readonly scheme: Scheme;
  /** The runtime's languages: the programs of written specs are compiled first, so code that does not compile is refused. */
  readonly languages?: LanguageRegistry;
  /** The namespace of the runtime making the calls; delete refuses to touch it unless forced. */
  readonly namespace: string;
}

/** The opcode families: `specs.*` and its alias `nodes.*` (the seed's admin workflow). */
const PREFIXES = ['specs', 'nodes'] as const;

/**
 * The spec system calls of a runtime, for the `syscall` kind (docs/kinds/syscall.md):
 * `specs.create|read|update|delete` and the same under `nodes.`. Payloads are validated and
 * refused with coded `invalid argument` errors; read and delete are always scoped to one
 * namespace (or to ids); delete needs a filter, and delete and update need `force: true` for
 * the runtime's own namespace.
 */
export function specSyscalls(options: SpecSyscallsOptions): SyscallTable {
  const table = new Map<string, Syscall>();
  for (const prefix of PREFIXES) {
    table.set(`${prefix}.create`, (_process, payload) => createSpecs(options, `${prefix}.create`, payload));
    table.set(`${prefix}.read`, (_process, payload) => readSpecs(options, `${prefix}.read`, payload));
    table.set(`${prefix}.update`, (_process, payload) => updateSpecs(options, `${prefix}.update`, payload));
    table.set(`${prefix}.delete`, (_process, payload) => deleteSpecs(options, `${prefix}.delete`, payload));
  }
  return table;
}

/**
 * Inserts one spec or a list (namespace defaults to `default`), validated first and written in
 * one store call; returns the stored spec, or the list when given a list.
 */
async function createSpecs(options: SpecSyscallsOptions, opcode: string, payload: unknown): Promise<StoredSpec | StoredSpec[]> {
  const { items, single } = payloadItems(opcode, payload, 'a spec');
  if (items.length === 0) return [];
  const specs = items.map((item) => (isPlainObject(item) ? normalizeSpec(item) : (item as Spec)));
  await validateSpecs(options, specs, single);
  const stored = await options.store.insert(specs);
  return single ? stored[0]! : stored;
}

/** The specs matching the filter, in creation order; null reads every namespace, `{}` the namespace `default`. */
async function readSpecs(options: SpecSyscallsOptions, opcode: string, payload: unknown): Promise<StoredSpec[]> {
  return await options.store.find(parseFilter(opcode, payload, 'read').filter);
}

/**
 * Deletes the specs matching the filter and returns them. A filter without id, name or kind
 * is refused (ERR_DELETE_UNSCOPED), and so is one that matches specs of the runtime's own
 * namespace without `force: true` (ERR_NAMESPACE_PROTECTED); then nothing is deleted. Only the
 * specs found are deleted (by id), so a spec created meanwhile is never caught.
 */
async function deleteSpecs(options: SpecSyscallsOptions, opcode: string, payload: unknown): Promise<StoredSpec[]> {
  const { filter, force } = parseFilter(opcode, payload, 'delete');
  if (filter.id === undefined && filter.name === undefined && filter.kind === undefined) {
    throw new WeftError('ERR_DELETE_UNSCOPED', { opcode, namespace: filter.namespace ?? DEFAULT_NAMESPACE });
  }
  const found = await options.store.find(filter);
  if (found.length === 0) return [];
  const own = found.filter((spec) => spec.namespace === options.namespace);
  if (own.length > 0 && !force) {
    throw new WeftError('ERR_NAMESPACE_PROTECTED', { action: 'delete', count: own.length, namespace: options.namespace }, {
      // Problem-shaped (path, code, message), as the admin API lists them, plus the spec's id, name and kind.
      details: own.map((spec) => ({
        path: 'force', code: 'ERR_NAMESPACE_PROTECTED', message: `spec ${describeSpec(spec)} is part of the running workflow`,
        id: spec.id, name: spec.name, kind: spec.kind,
      })),
    });
  }
  return await options.store.delete({ id: found.map((spec) => spec.id) });
}
