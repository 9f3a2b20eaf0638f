import { createLanguages, createScheme } from '../context.ts';
import { configFor } from '../config-for.ts';
import { ExitStatus } from '../exit-status.ts';
import type { CliIO } from '../io.ts';
import { lintFailed, lintFiles, type LintReport } from '../lint/lint-files.ts';
import { counts, renderFindings } from '../lint/render-findings.ts';
import { readVersion } from '../version.ts';
import { withExistingStore } from '../with-existing-store.ts';
import type { LintFlags } from '../commands/lint.ts';

/** Runs `weft lint` (its definition: cli/commands/lint.ts). */
export async function runLint(io: CliIO, flags: LintFlags): Promise<void> {
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
}
