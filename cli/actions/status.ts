import type { NamespaceStatus } from '../../src/index.ts';
import type { CliIO } from '../io.ts';
import type { OpsFlags } from '../ops/ops-flags.ts';
import { opsTarget } from '../ops/ops-target.ts';
import { opsRequest } from '../ops/ops-request.ts';
import { renderStatus } from '../ops/render-status.ts';

/** Runs `weft status` (its definition: cli/commands/status.ts). */
export async function runStatus(io: CliIO, namespace: string | undefined, flags: OpsFlags): Promise<void> {
  const target = opsTarget(io, flags, namespace);
  const status = (await opsRequest({ address: target.address, token: target.token, method: 'GET', path: `/v1/namespaces/${encodeURIComponent(target.namespace)}/status` })) as NamespaceStatus;
  io.stdout.write(renderStatus(status, flags.output ?? 'table', { nodes: true }));
}
