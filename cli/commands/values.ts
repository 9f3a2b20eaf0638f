import { Command } from 'commander';
import type { CliIO } from '../io.ts';
import { outputOption, storeOptions, type StoreFlags } from '../options.ts';
import type { OutputFormat } from '../print.ts';

/** `weft values set|get|delete|rotate-key`: the values and secrets specs reference as `{{ values.NAME }}`. */
export function valuesCommand(io: CliIO): Command {
  const command = new Command('values').description('manage the values and secrets specs use through {{ values.NAME }} templates');

  command.addCommand(
    storeOptions(
      new Command('set')
        .description('set a value (a string, or JSON with --json), from the argument or --file')
        .argument('<name>', 'value name')
        .argument('[value]', 'the value (a string unless --json)')
        .option('--file <path>', 'read the value from a file')
        .option('--json', 'parse the value as JSON')
        .option('--secret', 'seal the value with the master key (WEFT_SECRET_KEY or WEFT_SECRET_KEY_FILE)'),
    ).action(async (name: string, text: string | undefined, flags: StoreFlags & { file?: string; json?: boolean; secret?: boolean }) => (await import('../actions/values.ts')).runValuesSet(io, name, text, flags)),
  );

  command.addCommand(
    outputOption(storeOptions(new Command('get').description('list values (secrets shown as <secret> unless --reveal)').argument('[names...]', 'value names').option('--reveal', 'decrypt secrets (needs the master key)'))).action(async (names: string[], flags: StoreFlags & { output?: OutputFormat; reveal?: boolean }) => (await import('../actions/values.ts')).runValuesGet(io, names, flags)),
  );

  command.addCommand(
    storeOptions(new Command('delete').description('delete values (all or nothing)').argument('<names...>', 'value names')).action(async (names: string[], flags: StoreFlags) => (await import('../actions/values.ts')).runValuesDelete(io, names, flags)),
  );

  command.addCommand(
    storeOptions(new Command('rotate-key').description('re-wrap every secret of the namespace under the current key (WEFT_SECRET_KEY), opening them with WEFT_SECRET_KEY_PREVIOUS')).action(async (flags: StoreFlags) => (await import('../actions/values.ts')).runValuesRotateKey(io, flags)),
  );
  return command;
}
