import { Command, Option } from 'commander';
import { collect, configFor, createLanguages, createScheme, type StoreFlags } from '../context.ts';
import { ExitStatus } from '../exit-status.ts';
import type { CliIO } from '../io.ts';
import { lintFailed, lintFiles, type LintReport } from '../lint/lint-files.ts';
import { counts, LINT_FORMATS, renderFindings, type LintFormat } from '../lint/render-findings.ts';
import { readVersion } from '../version.ts';
import { withExistingStore } from '../with-existing-store.ts';

/** Flags of `weft lint`. */
interface LintFlags extends Omit<StoreFlags, 'output'> {
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
    .action(async (flags: LintFlags) => {
      const config = configFor(io, { namespace: flags.namespace, store: flags.store });
      const options = { scheme: createScheme(), languages: createLanguages(config.sandbox), namespace: config.namespace, allowDangling: flags.allowDangling === true };
      const report: LintReport = flags.store === undefined
        ? await lintFiles(flags.filename, io, options)
        : await withExistingStore(io, config, (store) => lintFiles(flags.filename, io, { ...options, store }), 'linting against');
      const { errors, warnings } = counts(report);
      const rendered = renderFindings(report, flags.output, readVersion());
      if (flags.output === 'text') {
        io.stderr.write(rendered);
        if (errors === 0) io.stdout.write(`${report.specs} spec(s) valid${warnings > 0 ? `, ${warnings} warning(s)` : ''}\n`);
      } else {
        io.stdout.write(rendered);
      }
      if (errors > 0) throw new ExitStatus(1, flags.output === 'text' ? lintFailed(report) : undefined);
    });
}
