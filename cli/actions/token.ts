import { stringify } from 'yaml';
import { isValueStore, TokenRegistry, WeftError, type Role, type SpecStore, type TokenInfo } from '../../src/index.ts';
import { configFor } from '../config-for.ts';
import { withStore } from '../with-store.ts';
import type { StoreFlags } from '../options.ts';
import type { CliIO } from '../io.ts';
import { withExistingStore } from '../with-existing-store.ts';
import { renderTable, type OutputFormat } from '../print.ts';

/** The store's token registry; a driver without values is refused. */
function registryOf(store: SpecStore): TokenRegistry {
  if (!isValueStore(store)) throw new WeftError('ERR_STORE_UNSUITABLE', { url: store.url, reason: 'this store driver keeps no values, so no tokens' });
  return new TokenRegistry(store);
}

const UNITS: Readonly<Record<string, number>> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `--expires`: a duration from now (30d, 12h, 90m) or an ISO-8601 date. */
function expiryOf(text: string | undefined): Date | undefined {
  if (text === undefined) return undefined;
  const match = /^(\d{1,6})([mhd])$/.exec(text.trim());
  const date = match === null ? new Date(text) : new Date(Date.now() + Number(match[1]) * UNITS[match[2]!]!);
  if (Number.isNaN(date.getTime())) throw new WeftError('ERR_TOKEN_INVALID', { reason: `expires: "${text}" is neither a duration (30d, 12h, 90m) nor a date` });
  return date;
}

function render(tokens: readonly TokenInfo[], format: OutputFormat): string {
  if (format === 'json') return JSON.stringify(tokens, null, 2) + '\n';
  if (format === 'yaml') return tokens.length === 0 ? '[]\n' : stringify(tokens);
  const rows = tokens.map((token) => ({ id: token.id, name: token.name, role: token.role, created: token.createdAt, expires: token.expiresAt ?? '-' }));
  return renderTable(rows, ['id', 'name', 'role', 'created', 'expires']);
}

/**
 * `weft token create|list|revoke`: the API tokens of the admin API, the ops plane and listeners
 * with `auth` (docs/auth.md). Tokens belong to the store, so every engine on it accepts them.
 */
/** Runs `weft token create` (its definition: cli/commands/token.ts). */
export async function runTokenCreate(io: CliIO, name: string, flags: StoreFlags & { role: Role; expires?: string; output?: OutputFormat }): Promise<void> {
  const config = configFor(io, flags);
  const expiresAt = expiryOf(flags.expires);
  const { token, info } = await withStore(io, config, (store) => registryOf(store).create({ name, role: flags.role, expiresAt }));
  const format = flags.output ?? 'table';
  if (format === 'json') io.stdout.write(JSON.stringify({ token, ...info }, null, 2) + '\n');
  else if (format === 'yaml') io.stdout.write(stringify({ token, ...info }));
  else {
    io.stdout.write(`${token}\n`);
    io.stderr.write(`token ${info.name} (${info.id}, role ${info.role}${info.expiresAt === undefined ? '' : `, expires ${info.expiresAt}`}) created; it is shown only this once\n`);
  }
}

/** Runs `weft token list` (its definition: cli/commands/token.ts). */
export async function runTokenList(io: CliIO, flags: StoreFlags & { output?: OutputFormat }): Promise<void> {
  const config = configFor(io, flags);
  const tokens = await withExistingStore(io, config, (store) => registryOf(store).list(), 'reading');
  const format = flags.output ?? 'table';
  if (tokens.length === 0 && format === 'table') io.stderr.write('No tokens; create one with weft token create NAME --role ROLE.\n');
  else io.stdout.write(render(tokens, format));
}

/** Runs `weft token revoke` (its definition: cli/commands/token.ts). */
export async function runTokenRevoke(io: CliIO, keys: string[], flags: StoreFlags): Promise<void> {
  const config = configFor(io, flags);
  const revoked = await withStore(io, config, (store) => registryOf(store).revoke(keys));
  for (const token of revoked) io.stdout.write(`token ${token.name} (${token.id}) revoked\n`);
}
