import { Command, Option } from 'commander';
import { stringify } from 'yaml';
import { isValueStore, ROLES, TokenRegistry, WeftError, type Role, type SpecStore, type TokenInfo } from '../../src/index.ts';
import { configFor, outputOption, storeOptions, withStore, type StoreFlags } from '../context.ts';
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
export function tokenCommand(io: CliIO): Command {
  const command = new Command('token').description('manage API tokens (the admin API, the ops plane and listeners with auth)');

  command.addCommand(
    outputOption(storeOptions(
      new Command('create')
        .description('create a token and print it (shown only once)')
        .argument('<name>', 'a unique name for the token (who or what uses it)')
        .addOption(new Option('--role <role>', 'what it may do').choices(ROLES).default('read'))
        .option('--expires <when>', 'expiry: a duration from now (30d, 12h, 90m) or an ISO-8601 date'),
    )).action(async (name: string, flags: StoreFlags & { role: Role; expires?: string; output?: OutputFormat }) => {
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
    }),
  );

  command.addCommand(
    outputOption(storeOptions(new Command('list').description('list the tokens (never their secrets)'))).action(async (flags: StoreFlags & { output?: OutputFormat }) => {
      const config = configFor(io, flags);
      const tokens = await withExistingStore(io, config, (store) => registryOf(store).list(), 'reading');
      const format = flags.output ?? 'table';
      if (tokens.length === 0 && format === 'table') io.stderr.write('No tokens; create one with weft token create NAME --role ROLE.\n');
      else io.stdout.write(render(tokens, format));
    }),
  );

  command.addCommand(
    storeOptions(new Command('revoke').description('revoke tokens by id or name (all or nothing); engines refuse them within a second').argument('<tokens...>', 'token ids or names')).action(
      async (keys: string[], flags: StoreFlags) => {
        const config = configFor(io, flags);
        const revoked = await withStore(io, config, (store) => registryOf(store).revoke(keys));
        for (const token of revoked) io.stdout.write(`token ${token.name} (${token.id}) revoked\n`);
      },
    ),
  );
  return command;
}
