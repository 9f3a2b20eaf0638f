import type { CliIO } from './io.ts';
import type { SourcedFinding } from './prepare-specs.ts';

/** Prints the warnings of a plan (links allowed to dangle) on stderr, one `file:line:column: warning CODE path: message` line each. */
export function printWarnings(io: CliIO, warnings: readonly SourcedFinding[]): void {
  for (const warning of warnings) {
    const { line, column } = warning.spec.locate(warning.path);
    io.stderr.write(`${warning.spec.file}:${line}:${column}: warning ${warning.code} ${warning.path || '(spec)'}: ${warning.message}\n`);
  }
}
