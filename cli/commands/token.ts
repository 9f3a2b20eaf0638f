import { Command, Option } from 'commander';
import { ROLES, type Role } from '../../src/auth/role.ts';
import type { CliIO } from '../io.ts';
import { outputOption, storeOptions, type StoreFlags } from '../options.ts';
import type { OutputFormat } from '../print.ts';

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
    )).action(async (name: string, flags: StoreFlags & { role: Role; expires?: string; output?: OutputFormat }) => (await import('../actions/token.ts')).runTokenCreate(io, name, flags)),
  );

  command.addCommand(
    outputOption(storeOptions(new Command('list').description('list the tokens (never their secrets)'))).action(async (flags: StoreFlags & { output?: OutputFormat }) => (await import('../actions/token.ts')).runTokenList(io, flags)),
  );

  command.addCommand(
    storeOptions(new Command('revoke').description('revoke tokens by id or name (all or nothing); engines refuse them within a second').argument('<tokens...>', 'token ids or names')).action(async (keys: string[], flags: StoreFlags) => (await import('../actions/token.ts')).runTokenRevoke(io, keys, flags)),
  );
  return command;
}
