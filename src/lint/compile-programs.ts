import { toWeftError } from '../errors/index.ts';
import type { LanguageRegistry, Program } from '../language/index.ts';
import type { Problem, ProgramSource, Scheme } from '../scheme/index.ts';
import type { Spec } from '../spec/index.ts';

/**
 * Compiles every program a valid spec holds (its kind's `programs`, and those of its inline
 * children, under their paths) with the runtime's languages, then closes what compiled: a dry
 * compile. A program that does not compile is a problem at its field (ERR_SNIPPET_COMPILE…);
 * an unknown language one at the field that names it (ERR_LANGUAGE_UNKNOWN).
 */
export async function programProblems(scheme: Scheme, languages: LanguageRegistry, spec: Spec): Promise<Problem[]> {
  const sources = programsOf(scheme, spec, '');
  const found = await Promise.all(sources.map(async (source): Promise<Problem | undefined> => {
    let program: Program;
    try {
      program = await languages.compile(source.language, source.code, { label: `${spec.name ?? spec.kind}#${source.path}` });
    } catch (thrown) {
      const error = toWeftError(thrown);
      const path = error.code === 'ERR_LANGUAGE_UNKNOWN' ? (source.languagePath ?? source.path) : source.path;
      return { path, code: error.code, message: error.message };
    }
    try {
      await program.close?.();
    } catch {
      // The program compiled; failing to release it says nothing about the spec.
    }
    return undefined;
  }));
  return found.filter((problem) => problem !== undefined);
}

/** The programs of a spec and its inline children, their paths prefixed with `prefix`. */
function programsOf(scheme: Scheme, spec: Spec, prefix: string): ProgramSource[] {
  const definition = scheme.definition(spec.kind);
  if (definition === undefined) return [];
  const join = (path: string) => (prefix === '' ? path : `${prefix}.${path}`);
  const own = (definition.programs?.(spec as never) ?? []).map((source) => ({
    ...source,
    path: join(source.path),
    ...(source.languagePath === undefined ? {} : { languagePath: join(source.languagePath) }),
  }));
  const children = (definition.children?.(spec as never) ?? []).flatMap((child) => programsOf(scheme, child.spec, prefix === '' ? child.path : `${prefix}.${child.path}`));
  return [...own, ...children];
}
