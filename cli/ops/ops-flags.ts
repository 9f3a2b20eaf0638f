import type { Command } from 'commander';
import { loadConfig } from '../config.ts';
import type { CliIO } from '../io.ts';
import type { OutputFormat } from '../print.ts';

/** Flags of the commands that talk to a running engine's ops plane. */
export interface OpsFlags {
  readonly namespace?: string;
  readonly ops?: string;
  readonly output?: OutputFormat;
}

/** Adds `-n/--namespace` and `--ops HOST:PORT` to a command. */
export function opsOptions(command: Command): Command {
  return command
    .option('-n, --namespace <namespace>', 'namespace (default: WEFT_NAMESPACE, else "default")')
    .option('--ops <address>', 'the engine\'s ops plane as HOST:PORT (default: WEFT_OPS, else ops: in weft.config.yaml)');
}

/** The namespace and ops address of a command, from its flags and the layered configuration. */
export function opsTarget(io: CliIO, flags: OpsFlags, namespace?: string): { namespace: string; address: string | undefined } {
  const config = loadConfig(io, { namespace: namespace ?? flags.namespace, ops: flags.ops });
  return { namespace: config.namespace, address: config.ops };
}
