import { toWeftError } from '../src/errors/index.ts';
import type { Problem } from '../src/scheme/problem.ts';
import type { CliIO } from './io.ts';

/** Prints an error as `error CODE: message`, then one indented line per problem with its path. */
export function reportError(io: CliIO, thrown: unknown, source?: string): void {
  const error = toWeftError(thrown);
  const where = source === undefined ? '' : ` (${source})`;
  io.stderr.write(`error ${error.code}${where}: ${error.message}\n`);
  if (Array.isArray(error.details)) {
    for (const problem of error.details as Problem[]) {
      io.stderr.write(`  - ${problem.path || '(spec)'}: ${problem.message} [${problem.code}]\n`);
    }
  }
}
