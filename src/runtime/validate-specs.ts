import { WeftError } from '../errors/index.ts';
import type { LanguageRegistry } from '../language/index.ts';
import { lintSpecs } from '../lint/index.ts';
import { invalidSpecError, type Problem, type Scheme } from '../scheme/index.ts';
import { describeSpec, type Spec } from '../spec/index.ts';
import type { SpecStore } from '../store/index.ts';
import { isPlainObject } from './merge-patch.ts';

/** What validating specs before a write needs: the scheme, the store (links may point at its specs) and the languages to compile programs with. */
export interface ValidateSpecsOptions {
  readonly scheme: Scheme;
  readonly store: SpecStore;
  /** The runtime's languages: programs (a snippet's code, an if's condition) are compiled before the write; none: they are not. */
  readonly languages?: LanguageRegistry;
}

/**
 * Validates the specs a system call is about to write, all of them before any is written, with
 * the checks `weft apply` makes (lintSpecs): each spec's own fields with the Scheme, the
 * in-ports its links point at (among the batch and what the store holds in the same
 * namespace), and its programs, compiled and closed. Links to specs that do not exist yet are
 * fine here (links bind late; the admin API creates specs one by one). Throws one error listing every problem: the
 * spec's own (ERR_SPEC_INVALID / ERR_KIND_UNKNOWN) when one spec fails, ERR_SPECS_INVALID when
 * several do. In a list (`single` false) each path starts with the spec's position, `[2].kind`.
 */
export async function validateSpecs(options: ValidateSpecsOptions, specs: readonly Spec[], single: boolean): Promise<void> {
  const linked = specs.some((spec) => isPlainObject(spec) && spec.links !== undefined);
  const namespaces = linked ? [...new Set(specs.flatMap((spec) => (isPlainObject(spec) && typeof spec.namespace === 'string' ? [spec.namespace] : [])))] : [];
  const known = (await Promise.all(namespaces.map((namespace) => options.store.find({ namespace })))).flat();
  const findings = await lintSpecs(specs, { scheme: options.scheme, known, languages: options.languages });
  const problems: Problem[][] = specs.map(() => []);
  for (const { index, severity: _severity, ...problem } of findings) problems[index]!.push(problem);
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
