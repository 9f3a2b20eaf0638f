import type { LanguageRegistry } from '../language/index.ts';
import { checkLinkTargets, type Problem, type Scheme } from '../scheme/index.ts';
import type { Spec } from '../spec/index.ts';
import { programProblems } from './compile-programs.ts';
import { danglingLinks } from './dangling-links.ts';
import { findingsOf, type Finding } from './finding.ts';
import { unreachableSpecs } from './unreachable.ts';

/** What `lintSpecs` checks against, and how strictly. */
export interface LintOptions {
  readonly scheme: Scheme;
  /** The languages to compile the specs' programs with; none: programs are not compiled. */
  readonly languages?: LanguageRegistry;
  /** The stored specs of the namespaces checked: links may point at them. */
  readonly known?: readonly Spec[];
  /** Specs from files: each needs a name (or id), and names are unique within the list. */
  readonly requireNames?: boolean;
  /** A link to a spec that is neither checked nor known: a warning (true), an error (false), or not looked for (undefined). */
  readonly allowDangling?: boolean;
  /** Also report the warnings that refuse nothing: unreachable nodes and the kinds' own (a listener without router). */
  readonly warnings?: boolean;
}

/**
 * A dry compile of normalised specs, before anything is written: every problem of each spec
 * with its path and code, in list order. Checks each spec's schema and kind rules, names
 * (with `requireNames`), the ports and targets of links, and compiles the programs of valid
 * specs; with `warnings`, also finds unreachable nodes and the kinds' warnings. The one check
 * `weft lint`, `weft apply`/`validate`/`diff` and the admin API's specs.* calls share.
 */
export async function lintSpecs(specs: readonly Spec[], options: LintOptions): Promise<Finding[]> {
  const known = options.known ?? [];
  // A list item that is no object (an API payload may hold one) has its problem from the schema; the graph checks skip it.
  const graph = specs.map((spec) => (typeof spec === 'object' && spec !== null && !Array.isArray(spec) ? spec : ({ kind: '' } as Spec)));
  const problems: Problem[][] = specs.map((spec) => options.scheme.validate(spec));
  // Programs and kind warnings are only asked of specs whose own fields are valid.
  const valid = problems.map((found) => found.length === 0);
  if (options.requireNames === true) nameProblems(graph, problems);
  for (const [index, found] of checkLinkTargets(options.scheme, graph, known)) problems[index]!.push(...found);
  const warnings: Problem[][] = specs.map(() => []);
  if (options.allowDangling !== undefined) {
    const into = options.allowDangling ? warnings : problems;
    for (const [index, found] of danglingLinks(graph, known)) into[index]!.push(...found);
  }
  if (options.languages !== undefined) {
    const languages = options.languages;
    await eachBounded(specs.length, COMPILE_CONCURRENCY, async (index) => {
      if (valid[index]) problems[index]!.push(...(await programProblems(options.scheme, languages, specs[index]!)));
    });
  }
  if (options.warnings === true) {
    specs.forEach((spec, index) => {
      if (valid[index]) warnings[index]!.push(...(options.scheme.definition(spec.kind)!.warnings?.(spec as never) ?? []));
    });
    for (const [index, found] of unreachableSpecs(options.scheme, graph, known)) warnings[index]!.push(...found);
  }
  return specs.flatMap((_spec, index) => [...findingsOf(index, problems[index]!), ...findingsOf(index, warnings[index]!, 'warning')]);
}

/** Specs whose programs compile at once: enough to keep a sandbox busy, few enough not to flood it when thousands are applied. */
const COMPILE_CONCURRENCY = 8;

/** Runs `work` for 0…count-1, at most `limit` at a time. */
async function eachBounded(count: number, limit: number, work: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) await work(next++);
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker));
}

/** Unnamed specs and names given twice in the list (ERR_NAME_TAKEN on the second). */
function nameProblems(specs: readonly Spec[], problems: Problem[][]): void {
  const seen = new Set<string>();
  specs.forEach((spec, index) => {
    // Files are matched to stored specs by name: an unnamed one would be created again at every apply.
    if (spec.name === undefined && spec.id === undefined) {
      problems[index]!.push({ path: 'name', code: 'ERR_SPEC_INVALID', message: 'a spec in a file needs a name (or the id of the stored spec it updates): apply matches by name, so an unnamed spec would be created again at every apply' });
    }
    if (typeof spec.name !== 'string' || spec.name === '' || typeof spec.namespace !== 'string') return;
    const key = `${spec.namespace}/${spec.name}`;
    if (seen.has(key)) problems[index]!.push({ path: 'name', code: 'ERR_NAME_TAKEN', message: `"${spec.name}" appears twice in the applied specs` });
    else seen.add(key);
  });
}
