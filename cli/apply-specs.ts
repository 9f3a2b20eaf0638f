import { WeftError, type SpecStore, type StoredSpec } from '../src/index.ts';
import { planApply, type PlannedApply, type PlanOptions } from './plan-apply.ts';
import type { SourcedSpec } from './read-specs.ts';

export { ApplyRefused } from './apply-refused.ts';

/** What apply did to one spec. */
export type ApplyAction = 'created' | 'configured' | 'unchanged';

/** The outcome of an apply: each spec as stored now, with its action, in input order; and the pruned specs. */
export interface ApplyResult {
  readonly specs: StoredSpec[];
  readonly actions: ApplyAction[];
  readonly deleted: StoredSpec[];
}

/**
 * Plans (validating every spec), then upserts the changed specs in one transaction (keeping
 * the ids of stored specs with the same namespace and name) and, with `prune`, deletes the
 * absent ones. Unchanged specs are not rewritten. Nothing is written when a spec is refused.
 */
export async function applySpecs(sourced: readonly SourcedSpec[], options: PlanOptions, onWarnings?: (warnings: PlannedApply['warnings']) => void): Promise<ApplyResult> {
  const planned = await planApply(sourced, options);
  onWarnings?.(planned.warnings);
  return writePlan(planned, options.store);
}

/**
 * Carries out a plan: one upsert call, then one delete call. The SpecStore interface has no
 * call doing both in one transaction, so the order keeps every moment safe: the upsert is
 * all-or-nothing and comes first (a failure there writes nothing and deletes nothing); if the
 * delete then fails, or the process dies in between, the namespace holds the new specs plus
 * the ones still to prune, and re-running the apply finishes the job. Deletes go by id, so a
 * spec created meanwhile by someone else is never pruned.
 */
export async function writePlan(planned: PlannedApply, store: SpecStore): Promise<ApplyResult> {
  const writes = planned.inputs.flatMap((input) => (input.write === undefined ? [] : [input.write]));
  const written = writes.length === 0 ? [] : await store.upsert(writes);
  const deleted = planned.deletes.length === 0 ? [] : await store.delete({ id: planned.deletes.map((spec) => spec.id) });
  let next = 0;
  const actions: ApplyAction[] = [];
  const specs = planned.inputs.map((input) => {
    if (input.write === undefined) {
      if (input.existing === undefined) throw new WeftError('ERR_INTERNAL', { reason: 'an unchanged spec has no stored spec' });
      actions.push('unchanged');
      return input.existing;
    }
    actions.push(input.existing === undefined ? 'created' : 'configured');
    return written[next++]!;
  });
  return { specs, actions, deleted };
}
