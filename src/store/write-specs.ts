import { WeftError, type ErrorCode, type ErrorParams } from '../errors/index.ts';
import { describeSpec, type StoredSpec } from '../spec/index.ts';
import { newSpecId } from './new-spec-id.ts';
import type { PreparedSpec } from './prepare-spec.ts';

/** Which write a store call makes: `insert` new specs, `update` by id, or `upsert`. */
export type WriteMode = 'insert' | 'update' | 'upsert';

/** One spec written by a call: what it is now, and what it was before an update. */
export interface SpecChange {
  readonly op: 'insert' | 'update';
  readonly spec: StoredSpec;
  readonly previous?: StoredSpec;
}

/**
 * The specs of one store transaction, as seen from inside it. Lookups must see the changes
 * already `put` by the same call (two specs of one call can collide). A driver implements it
 * over its own storage; `put` writes the change (and its change-log entry) in the transaction.
 * The revision check is only as safe as the isolation: two concurrent calls must not both
 * replace the same `previous` revision. A driver whose transactions can overlap makes `put` of
 * an update conditional (`… WHERE id = ? AND revision = previous.revision`, or a row lock taken
 * by `byId`/`byName`) and throws ERR_REVISION_CONFLICT when the stored revision moved.
 */
export interface SpecTable {
  byId(id: string): StoredSpec | undefined;
  byName(namespace: string, name: string): StoredSpec | undefined;
  put(change: SpecChange): void;
}

/**
 * Writes prepared specs one after the other into `table` with the rules every store shares:
 * ids are generated (UUIDv7) when missing, names are unique per namespace, revision starts at
 * 1 and grows by one per update, a spec keeps its id and namespace, and a spec that carries a
 * `revision` replaces a stored spec only when that is its stored revision (optimistic
 * concurrency; a spec without one replaces whatever is stored, and an insert ignores it).
 * Throws on the first spec that breaks a rule (ERR_ID_TAKEN, ERR_NAME_TAKEN, ERR_SPEC_NOT_FOUND,
 * ERR_NAMESPACE_IMMUTABLE, ERR_REVISION_CONFLICT, ERR_SPEC_INVALID for an update without id;
 * `details.index` is its position in the call); the caller then rolls the whole transaction back.
 */
export function writeSpecs(mode: WriteMode, specs: readonly PreparedSpec[], table: SpecTable): SpecChange[] {
  return specs.map((spec, index) => {
    const change = planChange(mode, spec, table, (code, params) => new WeftError(code, params, { details: { index } }));
    table.put(change);
    return change;
  });
}

type Refuse = (code: ErrorCode, params: ErrorParams) => WeftError;

function planChange(mode: WriteMode, spec: PreparedSpec, table: SpecTable, refuse: Refuse): SpecChange {
  const existing = findExisting(mode, spec, table);
  if (existing === undefined) {
    if (mode === 'update' && spec.id === undefined) {
      throw refuse('ERR_SPEC_INVALID', { spec: describeSpec(spec), problems: 'id: an update needs the id of the stored spec' });
    }
    if (mode === 'update') throw refuse('ERR_SPEC_NOT_FOUND', { spec: describeSpec(spec) });
    assertNameFree(spec, undefined, table, refuse);
    return { op: 'insert', spec: stored(spec, spec.id ?? newSpecId(), 1) };
  }
  if (mode === 'insert') throw refuse('ERR_ID_TAKEN', { id: existing.id });
  if (existing.namespace !== spec.namespace) {
    throw refuse('ERR_NAMESPACE_IMMUTABLE', { spec: describeSpec(existing), from: existing.namespace, to: spec.namespace });
  }
  assertNameFree(spec, existing.id, table, refuse);
  if (spec.revision !== undefined && spec.revision !== existing.revision) {
    throw refuse('ERR_REVISION_CONFLICT', { spec: describeSpec(existing), given: spec.revision, stored: existing.revision });
  }
  return { op: 'update', spec: stored(spec, existing.id, existing.revision + 1), previous: existing };
}

/** The stored spec this one replaces: by id when it has one, else (upsert only) by namespace and name. */
function findExisting(mode: WriteMode, spec: PreparedSpec, table: SpecTable): StoredSpec | undefined {
  if (spec.id !== undefined) return table.byId(spec.id);
  if (mode === 'upsert' && spec.name !== undefined) return table.byName(spec.namespace, spec.name);
  return undefined;
}

function assertNameFree(spec: PreparedSpec, ownId: string | undefined, table: SpecTable, refuse: Refuse): void {
  if (spec.name === undefined) return;
  const holder = table.byName(spec.namespace, spec.name);
  if (holder !== undefined && holder.id !== ownId) throw refuse('ERR_NAME_TAKEN', { name: spec.name, namespace: spec.namespace });
}

/** The stored form, with the common fields first and the revision (the store's, never the caller's) last. */
function stored(spec: PreparedSpec, id: string, revision: number): StoredSpec {
  const head: Record<string, unknown> = { id, kind: spec.kind, namespace: spec.namespace };
  if (spec.name !== undefined) head.name = spec.name;
  return { ...head, ...spec, id, namespace: spec.namespace, revision } as StoredSpec;
}
