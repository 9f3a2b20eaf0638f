import type { Environment } from '@marcbachmann/cel-js';
import { errorMatches, WeftError } from '../../errors/index.ts';

/**
 * An error payload as CEL sees it: a value of the CEL type `error` with the fields `message`,
 * `code` and `category` (empty strings when the error has none) and `details` when the error
 * carries them. It compares equal to a string naming the category, code or message of any
 * error in its cause chain (DESIGN.md §2); `string(self)` is the message. Only the payload
 * itself becomes one: the library cannot hold an error nested inside a list or map.
 */
export class CelErrorValue {
  readonly error: Error;
  readonly message: string;
  readonly code: string;
  readonly category: string;
  readonly details?: unknown;

  constructor(error: Error) {
    this.error = error;
    this.message = error.message;
    const code = (error as { code?: unknown }).code;
    this.code = typeof code === 'string' ? code : '';
    this.category = error instanceof WeftError ? error.category : '';
    if (error instanceof WeftError && error.details !== undefined) this.details = error.details;
  }

  /** True when any error in the chain has `text` as its category, code or message. */
  matches(text: string): boolean {
    return errorMatches(this.error, text);
  }

  /** Two error values are equal when they are the same error or have the same message (uniflow). */
  equals(other: CelErrorValue): boolean {
    return other.error === this.error || other.message === this.message;
  }
}

/** Declares the CEL type `error` with its fields, its string equality and `string(error)`. */
export function registerErrorType(environment: Environment): void {
  environment
    .registerType('error', {
      ctor: CelErrorValue,
      fields: { message: 'string', code: 'string', category: 'string', details: 'dyn' },
    })
    .registerOperator('error == string', (error: CelErrorValue, text: string) => error.matches(text))
    .registerOperator('error == error', (left: CelErrorValue, right: CelErrorValue) => left.equals(right))
    .registerFunction('string(error): string', (error: CelErrorValue) => error.message);
}
