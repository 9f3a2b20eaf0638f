import { WeftError } from '../errors/index.ts';
import { checkLinkTargets, invalidSpecError, type Problem, type Scheme } from '../scheme/index.ts';
import { describeSpec, type Spec } from '../spec/index.ts';
import type { SpecStore } from '../store/index.ts';
import { isPlainObject } from './merge-patch.ts';

/**
 * Validates the specs a system call is about to write, all of them before any is written: each
 * spec's own fields with the Scheme, then the in-ports its links point at (among the batch and
 * what the store holds in the same namespace). Throws one error listing every problem: the
 * spec's own (ERR_SPEC_INVALID / ERR_KIND_UNKNOWN) when one spec fails, ERR_SPECS_INVALID when
 * several do. In a list (`single` false) each path starts with the spec's position, `[2].kind`.
 */
export async function validateSpecs(scheme: Scheme, store: SpecStore, specs: readonly Spec[], single: boolean): Promise<void> {
  const problems = specs.map((spec) => scheme.validate(spec));
  const linked = specs.filter((spec, index) => problems[index]!.length === 0 && spec.links !== undefined);
  if (linked.length > 0) {
    const namespaces = [...new Set(linked.map((spec) => spec.namespace!))];
    const known = (await Promise.all(namespaces.map((namespace) => store.find({ namespace })))).flat();
    for (const [index, found] of checkLinkTargets(scheme, specs, known)) problems[index]!.push(...found);
  }
  const failing = specs.flatMap((spec, index) => (problems[index]!.length === 0 ? [] : [{ spec, index, problems: problems[index]! }]));
  if (failing.length === 0) return;
  if (single) throw invalidSpecError(subject(failing[0]!.spec), failing[0]!.problems);
  const errors = failing.map(({ spec, index, problems: found }) => invalidSpecError(subject(spec), found.map((problem) => at(index, problem))));
  if (errors.length === 1) throw errors[0]!;
  const listed = failing.flatMap(({ index, problems: found }) => found.map((problem) => at(index, problem)));
  const text = failing
    .map(({ spec, index, problems: found }) => `[${index}] ${describeSpec(subject(spec))}: ${found.map((problem) => `${problem.path || '(spec)'}: ${problem.message}`).join(', ')}`)
    .join('; ');
  throw new WeftError('ERR_SPECS_INVALID', { count: failing.length, problems: text }, { details: listed, cause: new AggregateError(errors) });
}

/** What a spec is called in messages; a payload item that is not an object is just "a spec". */
function subject(spec: Spec): Spec {
  return isPlainObject(spec) ? spec : { kind: 'spec' };
}

function at(index: number, problem: Problem): Problem {
  return { ...problem, path: problem.path === '' ? `[${index}]` : `[${index}].${problem.path}` };
}
