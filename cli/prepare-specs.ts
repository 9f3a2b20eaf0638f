import { describeSpec, invalidSpecError, lintSpecs, normalizeSpec, WeftError } from '../src/index.ts';
import type { Finding, LanguageRegistry, Problem, Scheme, Spec, SpecStore, StoredSpec } from '../src/index.ts';
import type { SourcedSpec } from './read-specs.ts';

/** A spec that failed preparation, with the file it came from. */
export interface SpecFailure {
  readonly source: string;
  readonly error: WeftError;
  /** The position of the spec in the input, when the failure belongs to one. */
  readonly index?: number;
}

/** A finding of lint with the spec it belongs to as read from its file. */
export interface SourcedFinding extends Finding {
  readonly spec: SourcedSpec;
}

/** Normalised specs ready to write, the stored specs of their namespaces, every failure, and every finding (warnings too). */
export interface PreparedSpecs {
  readonly specs: Spec[];
  readonly stored: StoredSpec[];
  readonly failures: SpecFailure[];
  readonly findings: SourcedFinding[];
}

/** Options of prepareSpecs. */
export interface PrepareOptions {
  readonly scheme: Scheme;
  readonly namespace: string;
  /** Links may point at the specs stored here; without it, links are checked among the files only. */
  readonly store?: SpecStore;
  /** The languages programs are compiled with (a dry compile); none: programs are not compiled. */
  readonly languages?: LanguageRegistry;
  /** Links to specs neither in the files nor stored are warnings, not errors (`--allow-dangling`). */
  readonly allowDangling?: boolean;
  /** Also find the warnings that refuse nothing (unreachable nodes, a listener without router): `weft lint`. */
  readonly warnings?: boolean;
}

/**
 * Normalises raw specs (namespace from the spec, else `namespace`) and lints them (lintSpecs:
 * schema, names, link ports and targets, programs), against the batch and (when a store is
 * given) what is stored. Reports every failure; throws nothing.
 */
export async function prepareSpecs(sourced: readonly SourcedSpec[], options: PrepareOptions): Promise<PreparedSpecs> {
  const specs = sourced.map(({ spec }) => normalizeSpec(spec, options.namespace));
  // A namespace that is not a string is refused by the schema; it names nothing to look up.
  const namespaces = [...new Set(specs.flatMap((spec) => (typeof spec.namespace === 'string' ? [spec.namespace] : [])))];
  const stored = options.store === undefined ? [] : (await Promise.all(namespaces.map((namespace) => options.store!.find({ namespace })))).flat();
  const findings = await lintSpecs(specs, {
    scheme: options.scheme,
    known: stored,
    languages: options.languages,
    requireNames: true,
    allowDangling: options.allowDangling ?? false,
    warnings: options.warnings,
  });
  const errors = new Map<number, Problem[]>();
  for (const { index, severity, path, code, message } of findings) {
    if (severity === 'error') errors.set(index, [...(errors.get(index) ?? []), { path, code, message }]);
  }
  const failures: SpecFailure[] = [...errors].map(([index, found]) => ({ source: sourced[index]!.source, error: toError(specs[index]!, found), index }));
  return { specs, stored, failures, findings: findings.map((finding) => ({ ...finding, spec: sourced[finding.index]! })) };
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
