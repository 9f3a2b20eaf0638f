// The options several commands share, and the types of their flags: cheap to import (commander
// only), so that defining every command for `weft --help` loads none of what the commands run.
import { Option, type Command } from 'commander';
import type { OutputFormat } from './print.ts';

/** Flags shared by the commands that touch a store. */
export interface StoreFlags {
  readonly namespace?: string;
  readonly store?: string;
  readonly output?: OutputFormat;
}

/** The flags of `weft start` that configure the admin API's exposure. */
export interface AdminFlags {
  readonly adminBindPublic?: boolean;
  readonly adminHost?: string[];
  /** The ops plane's address (`--ops HOST:PORT`) and whether it may bind beyond loopback. */
  readonly ops?: string;
  readonly opsBindPublic?: boolean;
  readonly insecure?: boolean;
}

/** Adds `-n/--namespace` and `--store` to a command. */
export function storeOptions(command: Command): Command {
  return command
    .option('-n, --namespace <namespace>', 'namespace (default: WEFT_NAMESPACE, else "default")')
    .option('--store <url>', 'store URL (default: WEFT_STORE, else sqlite://.weft/weft.db)');
}

/** Adds `-o/--output table|json|yaml` to a command. */
export function outputOption(command: Command): Command {
  return command.addOption(new Option('-o, --output <format>', 'output format').choices(['table', 'json', 'yaml']).default('table'));
}

/** Collects repeated `-f` values. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
