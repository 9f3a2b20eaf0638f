import { Command } from 'commander';
import type { NamespaceStatus } from '../../src/index.ts';
import { outputOption } from '../context.ts';
import type { CliIO } from '../io.ts';
import { opsOptions, opsTarget, type OpsFlags } from '../ops/ops-flags.ts';
import { opsRequest } from '../ops/ops-request.ts';
import { renderStatus } from '../ops/render-status.ts';

/**
 * `weft status [NS]`: asks a running engine's ops plane how a namespace is doing: its state,
 * readiness, pause, backlog, work in flight and every node with its state and why it is not active.
 */
export function statusCommand(io: CliIO): Command {
  const command = new Command('status')
    .description('show a running namespace: state, pause, backlog, work in flight, nodes (over the ops plane)')
    .argument('[namespace]', 'the namespace (default: -n, WEFT_NAMESPACE, else "default")');
  return outputOption(opsOptions(command)).action(async (namespace: string | undefined, flags: OpsFlags) => {
    const target = opsTarget(io, flags, namespace);
    const status = (await opsRequest({ address: target.address, method: 'GET', path: `/v1/namespaces/${encodeURIComponent(target.namespace)}/status` })) as NamespaceStatus;
    io.stdout.write(renderStatus(status, flags.output ?? 'table', { nodes: true }));
  });
}
