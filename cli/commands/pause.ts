import { Command } from 'commander';
import type { NamespaceStatus } from '../../src/index.ts';
import { outputOption } from '../context.ts';
import type { CliIO } from '../io.ts';
import { opsOptions, opsTarget, type OpsFlags } from '../ops/ops-flags.ts';
import { opsRequest } from '../ops/ops-request.ts';
import { renderStatus } from '../ops/render-status.ts';

/**
 * `weft pause [NS]`: pauses a namespace of a running engine through its ops plane: its sources stop
 * admitting new work (listeners hold requests in the bounded backlog, 503 ERR_BACKLOG_FULL past
 * it; consumers stop pulling; schedules skip their ticks); work in flight goes on.
 * Prints the namespace's status after it; already paused is not an error.
 */
export function pauseCommand(io: CliIO): Command {
  const command = new Command('pause')
    .description('pause a running namespace: listeners hold new requests in a bounded backlog, consumers stop pulling, schedules skip')
    .argument('[namespace]', 'the namespace (default: -n, WEFT_NAMESPACE, else "default")');
  return outputOption(opsOptions(command)).action(async (namespace: string | undefined, flags: OpsFlags) => {
    const target = opsTarget(io, flags, namespace);
    const path = `/v1/namespaces/${encodeURIComponent(target.namespace)}/pause`;
    const status = (await opsRequest({ address: target.address, method: 'POST', path })) as NamespaceStatus;
    io.stdout.write(renderStatus(status, flags.output ?? 'table', { nodes: false }));
  });
}
