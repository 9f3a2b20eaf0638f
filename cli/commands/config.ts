import { Command } from 'commander';
import type { CliIO } from '../io.ts';
import { outputOption, storeOptions, type StoreFlags } from '../options.ts';

/**
 * `weft config`: the effective configuration, each key with its value and where it came from
 * (default < weft.config.yaml < WEFT_* environment < flag); an invalid one fails as any command
 * would, with ERR_CONFIG_INVALID naming the key.
 */
export function configCommand(io: CliIO): Command {
  return outputOption(storeOptions(new Command('config').description('print the effective configuration and where each value comes from'))).action(async (flags: StoreFlags) => (await import('../actions/config.ts')).runConfig(io, flags));
}
