import { invalidSpecError, normalizeSpec, type Problem, type Spec } from '../src/index.ts';
import { ApplyRefused } from './apply-refused.ts';
import type { SpecFailure } from './prepare-specs.ts';
import type { SourcedSpec } from './read-specs.ts';

/**
 * The specs `weft delete -f` names, normalised (namespace from the spec, else `namespace`).
 * Each must say which stored spec it means: a non-empty string `name` or `id`, and a string
 * namespace; otherwise ApplyRefused lists every such spec with the field, and nothing is deleted.
 */
export function deleteTargets(sourced: readonly SourcedSpec[], namespace: string): Spec[] {
  const failures: SpecFailure[] = [];
  const specs = sourced.map(({ spec, source }, index) => {
    const normal = normalizeSpec(spec, namespace);
    const problems = addressProblems(normal);
    if (problems.length > 0) failures.push({ source, index, error: invalidSpecError(normal, problems) });
    return normal;
  });
  if (failures.length > 0) throw new ApplyRefused(failures);
  return specs;
}

function addressProblems(spec: Spec): Problem[] {
  const problems: Problem[] = [];
  const text = (value: unknown): boolean => typeof value === 'string' && value !== '';
  if (!text(spec.namespace)) problems.push({ path: 'namespace', code: 'ERR_SPEC_INVALID', message: 'must be a non-empty string' });
  for (const field of ['name', 'id'] as const) {
    if (spec[field] !== undefined && !text(spec[field])) problems.push({ path: field, code: 'ERR_SPEC_INVALID', message: 'must be a non-empty string' });
  }
  if (spec.name === undefined && spec.id === undefined) problems.push({ path: 'name', code: 'ERR_SPEC_INVALID', message: 'a spec to delete needs its name or id' });
  return problems;
}
