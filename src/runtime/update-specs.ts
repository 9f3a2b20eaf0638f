import { WeftError } from '../errors/index.ts';
import type { LanguageRegistry } from '../language/index.ts';
import type { Scheme } from '../scheme/index.ts';
import { DEFAULT_NAMESPACE, describeSpec, normalizeSpec, type Spec, type StoredSpec } from '../spec/index.ts';
import type { SpecStore } from '../store/index.ts';
import { isPlainObject, mergePatch } from './merge-patch.ts';
import { payloadError, payloadItems } from './syscall-payload.ts';
import { validateSpecs } from './validate-specs.ts';

/** What an update call needs: the store it writes, the scheme that validates, the runtime's own namespace. */
export interface UpdateSpecsOptions {
  readonly store: SpecStore;
  readonly scheme: Scheme;
  /** Programs of patched specs are compiled with these before the write. */
  readonly languages?: LanguageRegistry;
  /** Specs of this namespace (the one running the calls) are only patched with `force: true`. */
  readonly namespace?: string;
}

/** One patch of the payload, with the spec it targets. */
interface Target {
  readonly index: number;
  readonly patch: Record<string, unknown>;
  /** The patch's `force: true`: it may patch specs of the runtime's own namespace. */
  readonly force: boolean;
  readonly key: { readonly id: string } | { readonly namespace: string; readonly name: string };
}

/**
 * The update system call: each patch (one object, or a list) is an RFC 7386 merge patch of a
 * stored spec, found by `id`, else by `namespace` (default `default`) and `name`. A `revision`
 * in a patch must equal the stored one (ERR_REVISION_CONFLICT otherwise). The stored revision
 * goes to the store with the write, so a write that raced with another one is refused there;
 * the patches are then merged again onto the new state (a pinned revision is refused), so no
 * concurrent change is lost. Every patched spec is validated before any is written; all are
 * written in one store call. Returns the updated spec, or the list when given a list. A spec of
 * the runtime's own namespace is only patched when its patch has `force: true` (a reserved
 * key, like `id` and `revision`, never a spec field): else ERR_NAMESPACE_PROTECTED, as for
 * delete, since a patched admin router or listener can lock the API out.
 */
export async function updateSpecs(options: UpdateSpecsOptions, opcode: string, payload: unknown): Promise<StoredSpec | StoredSpec[]> {
  const { items, single } = payloadItems(opcode, payload, 'a merge patch with an id');
  if (items.length === 0) return [];
  const targets = identify(opcode, items, single);
  for (let attempt = 1; ; attempt++) {
    const stored = await findTargets(options.store, targets);
    refuseSameSpecTwice(opcode, targets, stored);
    refuseOwnNamespace(options.namespace, targets, stored);
    const merged = targets.map((target, index) => applyPatch(target, stored[index]!));
    await validateSpecs(options, merged, single);
    try {
      const written = await options.store.update(merged.map((spec, index) => ({ ...spec, revision: stored[index]!.revision })));
      return single ? written[0]! : written;
    } catch (thrown) {
      // Another write came between the read and this one: merge again onto what is stored now.
      // A patch that pinned its revision is refused by findTargets on the next round.
      if (!(thrown instanceof WeftError && thrown.code === 'ERR_REVISION_CONFLICT') || attempt === MAX_ATTEMPTS) throw thrown;
    }
  }
}

/** How often an update re-reads and re-merges after losing a race with another write. */
const MAX_ATTEMPTS = 5;

function identify(opcode: string, items: readonly unknown[], single: boolean): Target[] {
  const problems: { path: string; message: string }[] = [];
  const seen = new Map<string, number>();
  const targets = items.flatMap((item, index): Target[] => {
    const path = single ? '(patch)' : `[${index}]`;
    if (!isPlainObject(item)) {
      problems.push({ path, message: 'a patch must be an object' });
      return [];
    }
    const { id, name, namespace, revision, force } = item;
    if (revision !== undefined && !Number.isInteger(revision)) problems.push({ path: `${prefix(single, index)}revision`, message: 'must be an integer' });
    if (force !== undefined && typeof force !== 'boolean') problems.push({ path: `${prefix(single, index)}force`, message: 'must be a boolean' });
    let key: Target['key'];
    if (typeof id === 'string' && id !== '') key = { id };
    else if (id === undefined && typeof name === 'string' && name !== '' && (namespace === undefined || typeof namespace === 'string')) {
      key = { namespace: namespace || DEFAULT_NAMESPACE, name };
    } else {
      problems.push({ path, message: 'a patch needs the id (or the namespace and name) of the spec to update' });
      return [];
    }
    const text = 'id' in key ? key.id : `${key.namespace}/${key.name}`;
    if (seen.has(text)) problems.push({ path, message: `patches the same spec as [${seen.get(text)}]` });
    seen.set(text, index);
    return [{ index, patch: item, force: force === true, key }];
  });
  if (problems.length > 0) throw payloadError(opcode, problems.map((problem) => `${problem.path}: ${problem.message}`).join('; '), problems);
  return targets;
}

/** The stored spec of each target, in order; ERR_SPEC_NOT_FOUND / ERR_REVISION_CONFLICT for the first that fails. */
async function findTargets(store: SpecStore, targets: readonly Target[]): Promise<StoredSpec[]> {
  const ids = targets.flatMap((target) => ('id' in target.key ? [target.key.id] : []));
  const byId = new Map((ids.length === 0 ? [] : await store.find({ id: ids })).map((spec) => [spec.id, spec]));
  const byName = new Map<string, StoredSpec>();
  const names = new Map<string, string[]>();
  for (const { key } of targets) if ('name' in key) names.set(key.namespace, [...(names.get(key.namespace) ?? []), key.name]);
  for (const [namespace, list] of names) {
    for (const spec of await store.find({ namespace, name: list })) byName.set(`${namespace}/${spec.name}`, spec);
  }
  return targets.map(({ key, index, patch }) => {
    const found = 'id' in key ? byId.get(key.id) : byName.get(`${key.namespace}/${key.name}`);
    const where = 'id' in key ? key.id : `${key.namespace}/${key.name}`;
    if (found === undefined) throw new WeftError('ERR_SPEC_NOT_FOUND', { spec: where }, { details: { index } });
    if (patch.revision !== undefined && patch.revision !== found.revision) {
      throw new WeftError('ERR_REVISION_CONFLICT', { spec: describeSpec(found), given: String(patch.revision), stored: found.revision }, { details: { index } });
    }
    return found;
  });
}

/**
 * ERR_SYSCALL_PAYLOAD when two patches reach the same stored spec by different keys (its id
 * and its name): one store call cannot write a spec twice, and the store would refuse the
 * second write as a stale revision, which no re-read can fix.
 */
function refuseSameSpecTwice(opcode: string, targets: readonly Target[], stored: readonly StoredSpec[]): void {
  const seen = new Map<string, number>();
  const problems = stored.flatMap((spec, index) => {
    const first = seen.get(spec.id);
    seen.set(spec.id, first ?? targets[index]!.index);
    return first === undefined ? [] : [{ path: `[${targets[index]!.index}]`, message: `patches the same spec as [${first}]` }];
  });
  if (problems.length > 0) throw payloadError(opcode, problems.map((problem) => `${problem.path}: ${problem.message}`).join('; '), problems);
}

/**
 * ERR_NAMESPACE_PROTECTED, listing each spec, when unforced patches reach specs of `own` (the
 * runtime's namespace); nothing is written then.
 */
function refuseOwnNamespace(own: string | undefined, targets: readonly Target[], stored: readonly StoredSpec[]): void {
  if (own === undefined) return;
  const refused = stored.filter((spec, index) => spec.namespace === own && !targets[index]!.force);
  if (refused.length === 0) return;
  throw new WeftError('ERR_NAMESPACE_PROTECTED', { action: 'update', count: refused.length, namespace: own }, {
    details: refused.map((spec) => ({
      path: 'force', code: 'ERR_NAMESPACE_PROTECTED', message: `spec ${describeSpec(spec)} is part of the running workflow`,
      id: spec.id, name: spec.name, kind: spec.kind,
    })),
  });
}

/** The spec after the patch: `ports` in the patch patches `links`; id, revision and force are not patched. */
function applyPatch(target: Target, stored: StoredSpec): Spec {
  const { id: _id, revision: _revision, force: _force, ports, ...patch } = target.patch;
  if (ports !== undefined) patch.links = isPlainObject(patch.links) && isPlainObject(ports) ? { ...ports, ...patch.links } : (patch.links ?? ports);
  const { revision: _stored, ...base } = stored;
  const merged = mergePatch(base, patch) as Record<string, unknown>;
  return { ...normalizeSpec(merged), id: stored.id };
}

function prefix(single: boolean, index: number): string {
  return single ? '' : `[${index}].`;
}
