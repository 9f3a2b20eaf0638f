import type { SpecFailure } from './prepare-specs.ts';

/** Thrown when specs fail validation or planning: every failure, none written. */
export class ApplyRefused extends Error {
  readonly failures: readonly SpecFailure[];

  constructor(failures: readonly SpecFailure[]) {
    super(`${failures.length} spec(s) refused`);
    this.failures = failures;
  }
}
