import { Command } from 'commander';
import type { CliIO } from '../io.ts';
import { opsOptions, type OpsFlags } from '../ops/ops-flags.ts';
import { outputOption } from '../options.ts';

/**
 * `weft status [NS]`: asks a running engine's ops plane how a namespace is doing: its state,
 * readiness, pause, backlog, work in flight and every node with its state and why it is not active.
 */
export function statusCommand(io: CliIO): Command {
  const command = new Command('status')
    .description('show a running namespace: state, pause, backlog, work in flight, nodes (over the ops plane)')
    .argument('[namespace]', 'the namespace (default: -n, WEFT_NAMESPACE, else "default")');
  return outputOption(opsOptions(command)).action(async (namespace: string | undefined, flags: OpsFlags) => (await import('../actions/status.ts')).runStatus(io, namespace, flags));
}
