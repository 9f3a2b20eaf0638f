import { Command, Option } from 'commander';
import type { CliIO } from '../io.ts';
import { LINT_FORMATS, type LintFormat } from '../lint/lint-format.ts';
import { collect, type StoreFlags } from '../options.ts';

/** Flags of `weft lint`. */
export interface LintFlags extends Omit<StoreFlags, 'output'> {
  readonly filename: string[];
  readonly allowDangling?: boolean;
  readonly output: LintFormat;
}

/**
 * `weft lint -f FILE|DIR|-` (alias `validate`): a dry compile of the specs, writing nothing.
 * Every finding is printed with its file:line:column, code, field path, message and hint
 * (text on stderr; json, github and sarif on stdout); exit 1 when there is an error, 0 when
 * there are only warnings. With --store, links may point at the specs stored there.
 */
export function lintCommand(io: CliIO): Command {
  return new Command('lint')
    .alias('validate')
    .description('check specs as apply would (schema, links, names, code), writing nothing; every finding with file:line:column')
    .requiredOption('-f, --filename <path>', 'file, directory or - for stdin (repeatable)', collect)
    .option('-n, --namespace <namespace>', 'namespace for specs that name none')
    .option('--store <url>', 'links may also point at the specs stored here')
    .option('--allow-dangling', 'a link to a spec that is neither in the files nor stored is a warning, not an error')
    .addOption(new Option('-o, --output <format>', 'output format').choices(LINT_FORMATS).default('text'))
    .action(async (flags: LintFlags) => (await import('../actions/lint.ts')).runLint(io, flags));
}
