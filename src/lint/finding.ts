import type { Problem } from '../scheme/index.ts';

/** How much a finding weighs: an error refuses the specs, a warning is only printed. */
export type Severity = 'error' | 'warning';

/** One thing lint found about the spec at `index` of the checked list: a problem with its severity. */
export interface Finding extends Problem {
  readonly index: number;
  readonly severity: Severity;
}

/** The findings of `index` for `problems`, all of one severity. */
export function findingsOf(index: number, problems: readonly Problem[], severity: Severity = 'error'): Finding[] {
  return problems.map((problem) => ({ ...problem, index, severity }));
}
