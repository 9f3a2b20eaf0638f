import { checkLinkTargets, describeSpec, invalidSpecError, normalizeSpec, WeftError } from '../src/index.ts';
import type { Problem, Scheme, Spec, SpecStore, StoredSpec } from '../src/index.ts';
import type { SourcedSpec } from './read-specs.ts';

/** A spec that failed preparation, with the file it came from. */
export interface SpecFailure {
  readonly source: string;
  readonly error: WeftError;
  /** The position of the spec in the input, when the failure belongs to one. */
  readonly index?: number;
}

/** Normalised specs ready to write, the stored specs of their namespaces, and every failure. */
export interface PreparedSpecs {
  readonly specs: Spec[];
  readonly stored: StoredSpec[];
  readonly failures: SpecFailure[];
}

/**
 * Normalises raw specs (namespace from the spec, else `namespace`), validates each with the
 * scheme, refuses duplicate names within the batch, and checks link target ports against the
 * batch and (when a store is given) what is stored. Reports every failure; throws nothing.
 */
export async function prepareSpecs(
  sourced: readonly SourcedSpec[],
  options: { scheme: Scheme; namespace: string; store?: SpecStore },
): Promise<PreparedSpecs> {
  const specs = sourced.map(({ spec }) => normalizeSpec(spec, options.namespace));
  const problems = specs.map((spec) => options.scheme.validate(spec));
  const seen = new Map<string, number>();
  specs.forEach((spec, index) => {
    // Files are matched to stored specs by name: an unnamed one would be created again at every apply.
    if (spec.name === undefined && spec.id === undefined) {
      problems[index]!.push({ path: 'name', code: 'ERR_SPEC_INVALID', message: 'a spec in a file needs a name (or the id of the stored spec it updates): apply matches by name, so an unnamed spec would be created again at every apply' });
    }
    if (typeof spec.name !== 'string' || spec.name === '' || typeof spec.namespace !== 'string') return;
    const key = `${spec.namespace}/${spec.name}`;
    if (seen.has(key)) problems[index]!.push({ path: 'name', code: 'ERR_NAME_TAKEN', message: `"${spec.name}" appears twice in the applied specs` });
    else seen.set(key, index);
  });
  // A namespace that is not a string is refused by the schema; it names nothing to look up.
  const namespaces = [...new Set(specs.flatMap((spec) => (typeof spec.namespace === 'string' ? [spec.namespace] : [])))];
  const stored = options.store === undefined ? [] : (await Promise.all(namespaces.map((namespace) => options.store!.find({ namespace })))).flat();
  for (const [index, linkProblems] of checkLinkTargets(options.scheme, specs, stored)) problems[index]!.push(...linkProblems);
  const failures: SpecFailure[] = [];
  specs.forEach((spec, index) => {
    const found = problems[index]!;
    if (found.length > 0) failures.push({ source: sourced[index]!.source, error: toError(spec, found), index });
  });
  return { specs, stored, failures };
}

function toError(spec: Spec, problems: Problem[]): WeftError {
  if (problems.length === 1 && problems[0]!.code === 'ERR_NAME_TAKEN') {
    return new WeftError('ERR_NAME_TAKEN', { name: String(spec.name), namespace: String(spec.namespace) }, { details: problems });
  }
  return invalidSpecError(spec, problems);
}

/** Finds the stored spec a written spec would replace: by id, else by (namespace, name). */
export function findStored(spec: Spec, stored: readonly StoredSpec[]): StoredSpec | undefined {
  if (spec.id) return stored.find((candidate) => candidate.id === spec.id);
  if (!spec.name) return undefined;
  return stored.find((candidate) => candidate.namespace === spec.namespace && candidate.name === spec.name);
}

export { describeSpec };
