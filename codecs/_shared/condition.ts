import {
  invalidSpecError, toWeftError, WeftError,
  type CodecContext, type Problem, type Program, type Spec,
} from '../../src/index.ts';
import { valueType } from './value-type.ts';

/** What a condition says about one payload: true, false, or the error that stopped it. */
export type Verdict = boolean | WeftError;

/** A condition to compile: its code, its language and the spec field it sits in (`matches[1].when`). */
export interface ConditionSource {
  readonly field: string;
  readonly language: string;
  readonly code: string;
}

/**
 * A compiled condition of `if`/`switch`. `test` never throws: it gives true or false, or a
 * WeftError when the program fails (kept as the language raised it, e.g. ERR_SNIPPET_RUNTIME or
 * ERR_CEL_COST_LIMIT) or gives something that is not a boolean (ERR_CONDITION_NOT_BOOL: weft
 * has no truthiness, so `when: self.name` is a mistake reported, not guessed). CEL answers
 * synchronously; a language that answers with a promise gets a promise.
 */
export class Condition {
  readonly field: string;
  readonly #program: Program;

  constructor(field: string, program: Program) {
    this.field = field;
    this.#program = program;
  }

  test(payload: unknown): Verdict | Promise<Verdict> {
    let result: unknown;
    try {
      result = this.#program.run(payload);
    } catch (thrown) {
      return toWeftError(thrown);
    }
    if (result instanceof Promise) return result.then((settled: unknown) => this.#verdict(settled), toWeftError);
    return this.#verdict(result);
  }

  /** Releases the program (sandboxed languages hold an isolate); never throws. */
  async close(): Promise<void> {
    try {
      await this.#program.close?.();
    } catch {
      // Closing must not throw (Node contract); the program's resources are gone either way.
    }
  }

  #verdict(result: unknown): Verdict {
    if (typeof result === 'boolean') return result;
    return new WeftError('ERR_CONDITION_NOT_BOOL', { field: this.field, type: valueType(result) });
  }
}

/**
 * Compiles every condition of a spec once, when it loads. Code that does not compile (or an
 * unknown language) fails the spec with ERR_SPEC_INVALID listing each bad field by its path
 * (`matches[1].when`) with the language's code (ERR_SNIPPET_COMPILE…); the language errors are
 * the cause. Conditions already compiled are closed before the error is thrown.
 */
export async function compileConditions(spec: Spec, sources: readonly ConditionSource[], context: CodecContext): Promise<Condition[]> {
  const settled = await Promise.allSettled(sources.map(async (source) => context.languages.compile(source.language, source.code, { label: `${spec.name ?? spec.id ?? spec.kind}#${source.field}`, logger: context.logger })));
  const problems: Problem[] = [];
  const causes: unknown[] = [];
  const conditions: Condition[] = [];
  settled.forEach((outcome, index) => {
    const field = sources[index]!.field;
    if (outcome.status === 'fulfilled') {
      conditions.push(new Condition(field, outcome.value));
      return;
    }
    const error = toWeftError(outcome.reason);
    problems.push({ path: field, code: error.code, message: error.message });
    causes.push(outcome.reason);
  });
  if (problems.length === 0) return conditions;
  await Promise.all(conditions.map((condition) => condition.close()));
  const cause = causes.length === 1 ? causes[0] : new AggregateError(causes, 'conditions do not compile');
  throw invalidSpecError(spec, problems, cause);
}
