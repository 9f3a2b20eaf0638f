import { Command } from 'commander';
import type { CliIO } from '../io.ts';
import { outputOption } from '../options.ts';
import type { OutputFormat } from '../print.ts';

/**
 * `weft ps`: the engines of the local `weft up` (through its control socket) and, from the engine
 * registry of every store the config names, the engines started elsewhere on those stores.
 */
export function psCommand(io: CliIO): Command {
  const command = new Command('ps')
    .description('list the engines: those weft up supervises here, and those registered in the stores')
    .option('-c, --config <file>', 'the config file (default: WEFT_CONFIG, else ./weft.config.yaml)')
    .option('--run-dir <path>', 'the run directory of weft up (default: WEFT_RUN_DIR, else .weft/run beside the config file)')
    .option('--store <url>', 'a store whose registry to read besides the configured ones');
  return outputOption(command).action(async (flags: { config?: string; runDir?: string; store?: string; output: OutputFormat }) => (await import('../actions/ps.ts')).runPs(io, flags));
}
export type { PsRow } from '../actions/ps.ts';
