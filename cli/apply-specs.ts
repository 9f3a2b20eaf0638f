import { sameSpec, WeftError, type Scheme, type SpecStore, type StoredSpec } from '../src/index.ts';
import { findStored, prepareSpecs, type SpecFailure } from './prepare-specs.ts';
import type { SourcedSpec } from './read-specs.ts';

/** What apply did to one spec. */
export type ApplyAction = 'created' | 'configured' | 'unchanged';

/** The outcome of an apply: each spec as stored now, with its action, in input order. */
export interface ApplyResult {
  readonly specs: StoredSpec[];
  readonly actions: ApplyAction[];
}

/** Thrown when specs fail validation: every failure, none written. */
export class ApplyRefused extends Error {
  readonly failures: readonly SpecFailure[];

  constructor(failures: readonly SpecFailure[]) {
    super(`${failures.length} spec(s) refused`);
    this.failures = failures;
  }
}

/**
 * Validates all specs, then upserts the changed ones in one transaction (keeping the ids of
 * stored specs with the same namespace and name). Unchanged specs are not rewritten.
 */
export async function applySpecs(
  sourced: readonly SourcedSpec[],
  options: { scheme: Scheme; namespace: string; store: SpecStore },
): Promise<ApplyResult> {
  const prepared = await prepareSpecs(sourced, options);
  if (prepared.failures.length > 0) throw new ApplyRefused(prepared.failures);
  const actions: ApplyAction[] = [];
  const changed = prepared.specs.flatMap((spec) => {
    const existing = findStored(spec, prepared.stored);
    if (existing === undefined) {
      actions.push('created');
      return [spec];
    }
    const candidate = { ...spec, id: existing.id };
    if (sameSpec(candidate, existing)) {
      actions.push('unchanged');
      return [];
    }
    actions.push('configured');
    return [candidate];
  });
  const written = changed.length === 0 ? [] : await options.store.upsert(changed);
  let next = 0;
  const specs = prepared.specs.map((spec, index) => {
    if (actions[index] !== 'unchanged') return written[next++]!;
    const existing = findStored(spec, prepared.stored);
    if (existing === undefined) throw new WeftError('ERR_INTERNAL', { reason: 'unchanged spec vanished' });
    return existing;
  });
  return { specs, actions };
}
