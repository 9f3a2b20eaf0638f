import { WeftError } from '../errors/index.ts';
import { describeSpec, normalizeSpec, specSizeProblems, type SizeProblem, type Spec } from '../spec/index.ts';

/**
 * A spec ready to be written: a JSON-clean copy with its namespace filled. `revision`, when the
 * caller gave one, is the revision it expects to replace (checked by `writeSpecs`); the store
 * sets the stored revision itself.
 */
export type PreparedSpec = Spec & { namespace: string; revision?: number };

/** One problem of a refused spec, shaped like the Scheme's problems (path, message, code). */
interface StoreProblem {
  readonly path: string;
  readonly message: string;
  readonly code: 'ERR_SPEC_INVALID';
}


/**
 * Copies a caller's spec into the form every store writes: a deep JSON copy (the caller keeps
 * its object), `ports` stored as `links`, `namespace` defaulted to `default`, null `id`, `name`
 * and `revision` dropped. Throws ERR_SPEC_INVALID when `kind` is missing or not a non-empty
 * string, when `id`, `name` or `namespace` is not a non-empty string, when `revision` is not a
 * non-negative integer (as the common schema says), or when it is not JSON data; and
 * ERR_SPEC_TOO_LARGE, before copying anything, when it is over the SPEC_LIMITS.
 */
export function prepareSpec(input: Spec): PreparedSpec {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw invalid(input, [problem('', 'must be an object')]);
  const tooLarge = specSizeProblems(input);
  if (tooLarge.length > 0) throw invalid(input, tooLarge);
  let copy: Record<string, unknown>;
  try {
    copy = JSON.parse(JSON.stringify(input)) as Record<string, unknown>;
  } catch (thrown) {
    throw invalid(input, [problem('', `is not JSON data (${thrown instanceof Error ? thrown.message : String(thrown)})`)], thrown);
  }
  for (const field of ['id', 'name', 'revision'] as const) if (copy[field] === null) delete copy[field];
  const spec = normalizeSpec(copy) as PreparedSpec;
  const problems: StoreProblem[] = [];
  for (const field of ['kind', 'id', 'name', 'namespace'] as const) {
    const value: unknown = spec[field];
    if ((value !== undefined || field === 'kind') && (typeof value !== 'string' || value === '')) {
      problems.push(problem(field, 'must be a non-empty string'));
    }
  }
  if (spec.revision !== undefined && !(Number.isSafeInteger(spec.revision) && spec.revision >= 0)) {
    problems.push(problem('revision', 'must be a non-negative integer (the stored revision this write replaces)'));
  }
  if (problems.length > 0) throw invalid(input, problems);
  return spec;
}

function problem(path: string, message: string): StoreProblem {
  return { path, message, code: 'ERR_SPEC_INVALID' };
}

function invalid(input: unknown, problems: readonly (StoreProblem | SizeProblem)[], cause?: unknown): WeftError {
  const spec = typeof input === 'object' && input !== null ? describeSpec(input as Partial<Spec>) : String(input);
  const text = problems.map((entry) => `${entry.path || '(spec)'}: ${entry.message}`).join('; ');
  const code = problems.every((entry) => entry.code === 'ERR_SPEC_TOO_LARGE') ? 'ERR_SPEC_TOO_LARGE' : 'ERR_SPEC_INVALID';
  return new WeftError(code, { spec, problems: text }, { cause, details: problems });
}
