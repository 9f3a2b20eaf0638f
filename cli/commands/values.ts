import { readFile } from 'node:fs/promises';
import { Command } from 'commander';
import { stringify } from 'yaml';
import { isValueStore, secretKeyringFromEnv, ValueVault, WeftError, type SpecStore, type StoredValue, type ValueData, type ValueStore } from '../../src/index.ts';
import { configFor, outputOption, storeOptions, withStore, type StoreFlags } from '../context.ts';
import type { CliIO } from '../io.ts';
import { renderTable, type OutputFormat } from '../print.ts';

/** The store as a ValueStore; a driver without values is refused. */
function valuesOf(store: SpecStore): ValueStore {
  if (!isValueStore(store)) throw new WeftError('ERR_STORE_UNSUITABLE', { url: store.url, reason: 'this store driver keeps no values yet' });
  return store;
}

function render(values: readonly StoredValue[], format: OutputFormat): string {
  if (format === 'json') return JSON.stringify(values, null, 2) + '\n';
  if (format === 'yaml') return values.length === 0 ? '[]\n' : stringify(values);
  const rows = values.map((value) => ({ namespace: value.namespace, name: value.name, secret: value.secret ? 'yes' : 'no', revision: String(value.revision), data: typeof value.data === 'string' ? value.data : JSON.stringify(value.data), updated: value.updatedAt }));
  return renderTable(rows, ['namespace', 'name', 'secret', 'revision', 'data', 'updated']);
}

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
    ).action(async (name: string, text: string | undefined, flags: StoreFlags & { file?: string; json?: boolean; secret?: boolean }) => {
      const config = configFor(io, flags);
      if ((text === undefined) === (flags.file === undefined)) throw new WeftError('ERR_CONFIG_INVALID', { reason: 'give the value either as an argument or with --file, not both' });
      const raw = flags.file === undefined ? text! : await readFile(flags.file, 'utf8');
      let data: ValueData = raw;
      if (flags.json === true) {
        try {
          data = JSON.parse(raw) as ValueData;
        } catch {
          throw new WeftError('ERR_VALUE_INVALID', { name, reason: 'data: --json was given and the value is not JSON' });
        }
      }
      const keyring = secretKeyringFromEnv(io.env);
      const [stored] = await withStore(io, config, (store) => new ValueVault({ store: valuesOf(store), keyring }).set([{ namespace: config.namespace, name, data, secret: flags.secret === true }]));
      io.stdout.write(`value/${stored!.name} set (revision ${stored!.revision}${stored!.secret ? ', secret' : ''})\n`);
    }),
  );

  command.addCommand(
    outputOption(storeOptions(new Command('get').description('list values (secrets shown as <secret> unless --reveal)').argument('[names...]', 'value names').option('--reveal', 'decrypt secrets (needs the master key)'))).action(
      async (names: string[], flags: StoreFlags & { output?: OutputFormat; reveal?: boolean }) => {
        const config = configFor(io, flags);
        const keyring = flags.reveal === true ? secretKeyringFromEnv(io.env) : undefined;
        const values = await withStore(io, config, async (store) => {
          const vault = new ValueVault({ store: valuesOf(store), keyring: keyring ?? { current: undefined, keys: new Map() } });
          const filter = { namespace: config.namespace, ...(names.length > 0 ? { name: names } : {}) };
          return flags.reveal === true ? vault.reveal(filter) : vault.list(filter);
        });
        const missing = names.filter((name) => !values.some((value) => value.name === name));
        if (missing.length > 0) throw new WeftError('ERR_VALUE_NOT_FOUND', { name: missing.join(', '), namespace: config.namespace });
        const format = flags.output ?? 'table';
        if (values.length === 0 && format === 'table') io.stderr.write(`No values found in namespace ${config.namespace}.\n`);
        else io.stdout.write(render(values, format));
      },
    ),
  );

  command.addCommand(
    storeOptions(new Command('delete').description('delete values (all or nothing)').argument('<names...>', 'value names')).action(async (names: string[], flags: StoreFlags) => {
      const config = configFor(io, flags);
      const deleted = await withStore(io, config, async (store) => {
        const values = valuesOf(store);
        const found = await values.findValues({ namespace: config.namespace, name: names });
        const missing = names.filter((name) => !found.some((value) => value.name === name));
        if (missing.length > 0) throw new WeftError('ERR_VALUE_NOT_FOUND', { name: missing.join(', '), namespace: config.namespace });
        return values.deleteValues({ namespace: config.namespace, name: names });
      });
      for (const value of deleted) io.stdout.write(`value/${value.name} deleted\n`);
    }),
  );

  command.addCommand(
    storeOptions(new Command('rotate-key').description('re-wrap every secret of the namespace under the current key (WEFT_SECRET_KEY), opening them with WEFT_SECRET_KEY_PREVIOUS')).action(async (flags: StoreFlags) => {
      const config = configFor(io, flags);
      const keyring = secretKeyringFromEnv(io.env);
      const count = await withStore(io, config, (store) => new ValueVault({ store: valuesOf(store), keyring }).rotate({ namespace: config.namespace }));
      io.stdout.write(`${count} secret${count === 1 ? '' : 's'} re-wrapped under key ${keyring.current?.id ?? '(none)'}\n`);
    }),
  );
  return command;
}
