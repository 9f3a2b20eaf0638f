import { Command } from 'commander';
import type { NamespaceStatus } from '../../src/index.ts';
import { outputOption } from '../context.ts';
import type { CliIO } from '../io.ts';
import { opsOptions, opsTarget, type OpsFlags } from '../ops/ops-flags.ts';
import { opsRequest } from '../ops/ops-request.ts';
import { renderStatus } from '../ops/render-status.ts';

/**
 * `weft resume [NS]`: resumes a paused namespace of a running engine through its ops plane: the backlog is
 * admitted in arrival order and the sources take work again.
 * Prints the namespace's status after it; not paused is not an error.
 */
export function resumeCommand(io: CliIO): Command {
  const command = new Command('resume')
    .description('resume a paused namespace: its backlog is served in arrival order')
    .argument('[namespace]', 'the namespace (default: -n, WEFT_NAMESPACE, else "default")');
  return outputOption(opsOptions(command)).action(async (namespace: string | undefined, flags: OpsFlags) => {
    const target = opsTarget(io, flags, namespace);
    const path = `/v1/namespaces/${encodeURIComponent(target.namespace)}/resume`;
    const status = (await opsRequest({ address: target.address, method: 'POST', path })) as NamespaceStatus;
    io.stdout.write(renderStatus(status, flags.output ?? 'table', { nodes: false }));
  });
}
