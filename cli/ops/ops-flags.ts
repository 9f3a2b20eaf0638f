import type { Command } from 'commander';
import type { OutputFormat } from '../print.ts';

/** Flags of the commands that talk to a running engine's ops plane. */
export interface OpsFlags {
  readonly namespace?: string;
  readonly ops?: string;
  readonly token?: string;
  readonly output?: OutputFormat;
}

/** Adds `-n/--namespace` and `--ops HOST:PORT` to a command. */
export function opsOptions(command: Command): Command {
  return command
    .option('-n, --namespace <namespace>', 'namespace (default: WEFT_NAMESPACE, else "default")')
    .option('--ops <address>', 'the engine\'s ops plane as HOST:PORT (default: WEFT_OPS, else ops: in weft.config.yaml)')
    .option('--token <token>', 'an API token or JWT for the ops plane (default: WEFT_TOKEN; see docs/auth.md)');
}
