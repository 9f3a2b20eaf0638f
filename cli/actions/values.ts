import { readFile } from 'node:fs/promises';
import { stringify } from 'yaml';
import { isValueStore, secretKeyringFromEnv, ValueVault, WeftError, type SpecStore, type StoredValue, type ValueData, type ValueStore } from '../../src/index.ts';
import { configFor } from '../config-for.ts';
import { withStore } from '../with-store.ts';
import type { StoreFlags } from '../options.ts';
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
/** Runs `weft values set` (its definition: cli/commands/values.ts). */
export async function runValuesSet(io: CliIO, name: string, text: string | undefined, flags: StoreFlags & { file?: string; json?: boolean; secret?: boolean }): Promise<void> {
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
}

/** Runs `weft values get` (its definition: cli/commands/values.ts). */
export async function runValuesGet(io: CliIO, names: string[], flags: StoreFlags & { output?: OutputFormat; reveal?: boolean }): Promise<void> {
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
}

/** Runs `weft values delete` (its definition: cli/commands/values.ts). */
export async function runValuesDelete(io: CliIO, names: string[], flags: StoreFlags): Promise<void> {
  const config = configFor(io, flags);
  const deleted = await withStore(io, config, async (store) => {
    const values = valuesOf(store);
    const found = await values.findValues({ namespace: config.namespace, name: names });
    const missing = names.filter((name) => !found.some((value) => value.name === name));
    if (missing.length > 0) throw new WeftError('ERR_VALUE_NOT_FOUND', { name: missing.join(', '), namespace: config.namespace });
    return values.deleteValues({ namespace: config.namespace, name: names });
  });
  for (const value of deleted) io.stdout.write(`value/${value.name} deleted\n`);
}

/** Runs `weft values rotate-key` (its definition: cli/commands/values.ts). */
export async function runValuesRotateKey(io: CliIO, flags: StoreFlags): Promise<void> {
  const config = configFor(io, flags);
  const keyring = secretKeyringFromEnv(io.env);
  const count = await withStore(io, config, (store) => new ValueVault({ store: valuesOf(store), keyring }).rotate({ namespace: config.namespace }));
  io.stdout.write(`${count} secret${count === 1 ? '' : 's'} re-wrapped under key ${keyring.current?.id ?? '(none)'}\n`);
}
