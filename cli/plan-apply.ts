import { describeSpec, sameSpec, WeftError, type ErrorCode, type Problem, type Spec, type SpecStore, type StoredSpec } from '../src/index.ts';
import { ApplyRefused } from './apply-refused.ts';
import { fieldDiff, type FieldChange } from './field-diff.ts';
import { planNodes, type NodeEffect } from './plan-nodes.ts';
import { findStored, prepareSpecs, type PrepareOptions, type SourcedFinding, type SpecFailure } from './prepare-specs.ts';
import type { SourcedSpec } from './read-specs.ts';

/** What applying does to one spec. */
export type PlanAction = 'create' | 'update' | 'unchanged' | 'delete';

/** One spec of a plan. `revision` is the stored one (an update writes revision + 1); `fields` only on updates. */
export interface PlannedSpec {
  readonly action: PlanAction;
  readonly kind: string;
  readonly namespace: string;
  readonly name?: string;
  readonly id?: string;
  readonly revision?: number;
  readonly source?: string;
  readonly fields?: FieldChange[];
}

/** What an apply would do: per spec (input order, then deletions), per running node, and in total. */
export interface ApplyPlan {
  readonly namespaces: string[];
  readonly prune: boolean;
  readonly changed: boolean;
  readonly summary: Record<PlanAction, number>;
  readonly specs: PlannedSpec[];
  readonly nodes: NodeEffect[];
}

/** A plan with the writes that carry it out: one upsert call, then one delete call. */
export interface PlannedApply {
  readonly plan: ApplyPlan;
  /** Per input spec: what to write (undefined when unchanged) and the stored spec it replaces. */
  readonly inputs: readonly { readonly write?: Spec; readonly existing?: StoredSpec }[];
  readonly deletes: readonly StoredSpec[];
  /** What lint found that refuses nothing (a link allowed to dangle): printed, not refused. */
  readonly warnings: readonly SourcedFinding[];
}

/** Options of `planApply`. */
export interface PlanOptions extends PrepareOptions {
  readonly store: SpecStore;
  /** Also plan deleting the stored specs of the applied namespaces that are not in the input. */
  readonly prune?: boolean;
}

/**
 * Validates the input (as `prepareSpecs`, plus the store's identity and revision rules) and
 * compares it with the store, writing nothing. Throws ApplyRefused with every failure. An
 * update is written with the revision it was planned against, so a spec changed by someone
 * else between planning and writing fails with ERR_REVISION_CONFLICT instead of being overwritten.
 */
export async function planApply(sourced: readonly SourcedSpec[], options: PlanOptions): Promise<PlannedApply> {
  const prepared = await prepareSpecs(sourced, options);
  const failures = [...prepared.failures];
  if (options.prune === true && prepared.specs.length === 0) {
    throw new WeftError('ERR_CONFIG_INVALID', { reason: '--prune needs at least one spec (it would delete the whole namespace); use weft delete' });
  }
  const inputs: { write?: Spec; existing?: StoredSpec }[] = [];
  const planned: PlannedSpec[] = [];
  const updated: { before: StoredSpec; after: Spec }[] = [];
  const created: Spec[] = [];
  // Stored specs an earlier input renames: the store writes in order, so their names are free again.
  const renamed = new Set<StoredSpec>();
  // A refused spec is not compared with the store: its id, name or namespace may be anything.
  const refused = new Set(prepared.failures.map((failure) => failure.index));
  for (const [index, spec] of prepared.specs.entries()) {
    if (refused.has(index)) continue;
    const source = sourced[index]!.source;
    const existing = findStored(spec, prepared.stored);
    const failure = nameTaken(spec, existing, prepared.stored, renamed) ?? (await refusal(spec, existing, options.store));
    if (failure !== undefined) failures.push({ source, error: failure });
    if (existing !== undefined && spec.name !== existing.name) renamed.add(existing);
    if (existing === undefined) {
      inputs.push({ write: spec });
      created.push(spec);
      planned.push({ action: 'create', ...identity(spec), source });
      continue;
    }
    const candidate: Spec = { ...spec, id: existing.id, revision: existing.revision };
    if (sameSpec(candidate, existing)) {
      inputs.push({ existing });
      planned.push({ action: 'unchanged', ...identity(existing), revision: existing.revision, source });
      continue;
    }
    inputs.push({ write: candidate, existing });
    updated.push({ before: existing, after: candidate });
    planned.push({ action: 'update', ...identity(existing), revision: existing.revision, source, fields: fieldDiff(existing, candidate) });
  }
  if (failures.length > 0) throw new ApplyRefused(failures);
  const kept = new Set(inputs.flatMap((input) => (input.existing === undefined ? [] : [input.existing])));
  const deletes = options.prune === true ? prepared.stored.filter((spec) => !kept.has(spec)) : [];
  for (const spec of deletes) planned.push({ action: 'delete', ...identity(spec), revision: spec.revision });
  const replacements = new Map<StoredSpec, Spec>(updated.map((entry) => [entry.before, entry.after]));
  const after = [...prepared.stored.filter((spec) => !deletes.includes(spec)).map((spec) => replacements.get(spec) ?? spec), ...created];
  const nodes = planNodes({ before: prepared.stored, after, created, updated, deleted: deletes });
  const summary = { create: 0, update: 0, unchanged: 0, delete: 0 };
  for (const entry of planned) summary[entry.action]++;
  const namespaces = [...new Set(prepared.specs.map((spec) => spec.namespace!))];
  const changed = summary.create + summary.update + summary.delete > 0;
  const warnings = prepared.findings.filter((finding) => finding.severity === 'warning');
  return { plan: { namespaces, prune: options.prune === true, changed, summary, specs: planned, nodes }, inputs, deletes, warnings };
}

/** The store rule a spec would break, found before writing: a stale revision, or an id that lives in another namespace. */
async function refusal(spec: Spec, existing: StoredSpec | undefined, store: SpecStore): Promise<WeftError | undefined> {
  if (existing !== undefined) {
    if (spec.revision === undefined || spec.revision === existing.revision) return undefined;
    return new WeftError('ERR_REVISION_CONFLICT', { spec: describeSpec(existing), given: String(spec.revision), stored: existing.revision }, {
      details: [field('revision', 'ERR_REVISION_CONFLICT', `revision ${spec.revision} is stale: the stored one is ${existing.revision}`)],
    });
  }
  if (!spec.id) return undefined;
  const [elsewhere] = await store.find({ id: spec.id });
  if (elsewhere === undefined) return undefined;
  return new WeftError('ERR_NAMESPACE_IMMUTABLE', { spec: describeSpec(elsewhere), from: elsewhere.namespace, to: String(spec.namespace) }, {
    details: [field('namespace', 'ERR_NAMESPACE_IMMUTABLE', `the spec with this id lives in namespace "${elsewhere.namespace}"`)],
  });
}

/**
 * ERR_NAME_TAKEN, as the store would answer, when a spec matched by id (or created with an id)
 * takes a name another stored spec of its namespace holds: otherwise the plan would promise a
 * write that fails. A spec without id is matched by its name, so it never collides this way.
 */
function nameTaken(spec: Spec, existing: StoredSpec | undefined, stored: readonly StoredSpec[], renamed: ReadonlySet<StoredSpec>): WeftError | undefined {
  if (!spec.id || !spec.name) return undefined;
  const holder = stored.find((candidate) => candidate.namespace === spec.namespace && candidate.name === spec.name);
  if (holder === undefined || holder === existing || renamed.has(holder)) return undefined;
  return new WeftError('ERR_NAME_TAKEN', { name: spec.name, namespace: spec.namespace! }, {
    details: [field('name', 'ERR_NAME_TAKEN', `another stored spec of namespace "${spec.namespace}" is named "${spec.name}"`)],
  });
}

/** A problem naming the field a store rule refuses, printed like the schema's problems. */
function field(path: string, code: ErrorCode, message: string): Problem {
  return { path, code, message };
}

function identity(spec: Spec): Pick<PlannedSpec, 'kind' | 'namespace' | 'name' | 'id'> {
  const entry: { kind: string; namespace: string; name?: string; id?: string } = { kind: spec.kind, namespace: spec.namespace! };
  if (spec.name) entry.name = spec.name;
  if (spec.id) entry.id = spec.id;
  return entry;
}


export type { SpecFailure };
