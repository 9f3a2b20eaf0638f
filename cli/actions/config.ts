import { stringify } from 'yaml';
import { redactStoreUrl } from '../../src/store/index.ts';
import { ConfigSchema, loadConfigWithSources } from '../config.ts';
import type { StoreFlags } from '../options.ts';
import type { CliIO } from '../io.ts';
import { renderTable, type OutputFormat } from '../print.ts';

/** A value as `weft config` may print it: a store URL without its password, a JWT secret hidden. */
function printable(key: string, value: unknown): unknown {
  if (key === 'store' && typeof value === 'string') return redactStoreUrl(value);
  if (key === 'auth' && typeof value === 'object' && value !== null) {
    const jwt = (value as { jwt?: Record<string, unknown> }).jwt;
    return jwt?.secret === undefined ? value : { ...value, jwt: { ...jwt, secret: '<secret>' } };
  }
  return value;
}

/** Runs `weft config` (its definition: cli/commands/config.ts). */
export function runConfig(io: CliIO, flags: StoreFlags): void {
  const { config, sources } = loadConfigWithSources(io, { namespace: flags.namespace, store: flags.store });
  const entries = Object.keys(ConfigSchema.properties).map((key) => {
    const value = (config as Record<string, unknown>)[key];
    return { key, value: printable(key, value), source: value === undefined ? 'unset' : sources[key] ?? 'default' };
  });
  const format = (flags.output ?? 'table') as OutputFormat;
  if (format === 'json') io.stdout.write(JSON.stringify(entries, null, 2) + '\n');
  else if (format === 'yaml') io.stdout.write(stringify(entries));
  else io.stdout.write(renderTable(entries.map((entry) => ({ key: entry.key, value: entry.value === undefined ? '-' : typeof entry.value === 'string' ? entry.value : JSON.stringify(entry.value), source: entry.source })), ['key', 'value', 'source']));
}
