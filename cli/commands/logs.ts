import { Command } from 'commander';
import type { CliIO } from '../io.ts';

/** Flags of `weft logs`. */
export interface LogsFlags {
  readonly config?: string;
  readonly runDir?: string;
  readonly follow?: boolean;
  readonly tail?: string;
}

/**
 * `weft logs [NS]`: the output of the engines `weft up` runs (every namespace, or one), each line
 * prefixed with its namespace (and replica when there are several), file by file; `--tail N`
 * keeps the last N lines of each; `-f` then follows them (new engines' files too) until
 * SIGINT/SIGTERM.
 */
export function logsCommand(io: CliIO): Command {
  return new Command('logs')
    .description('print (and with -f follow) the output of the engines weft up runs, prefixed with their namespace')
    .argument('[namespace]', 'only this namespace')
    .option('-c, --config <file>', 'the config file (default: WEFT_CONFIG, else ./weft.config.yaml)')
    .option('--run-dir <path>', 'the run directory of weft up (default: WEFT_RUN_DIR, else .weft/run beside the config file)')
    .option('-f, --follow', 'keep printing new lines')
    .option('--tail <lines>', 'print only the last LINES lines of each engine first')
    .action(async (namespace: string | undefined, flags: LogsFlags) => (await import('../actions/logs.ts')).runLogs(io, namespace, flags));
}
