import type { NamespaceStatus } from '../../src/index.ts';
import type { CliIO } from '../io.ts';
import type { OpsFlags } from '../ops/ops-flags.ts';
import { opsRequest } from '../ops/ops-request.ts';
import { opsTarget } from '../ops/ops-target.ts';
import { renderStatus } from '../ops/render-status.ts';

/** Runs `weft pause|resume` (their definitions: cli/commands/pause-resume.ts): one POST to the namespace's route of the ops plane, then its status. */
export async function runSwitch(io: CliIO, action: 'pause' | 'resume', namespace: string | undefined, flags: OpsFlags): Promise<void> {
  const target = opsTarget(io, flags, namespace);
  const path = `/v1/namespaces/${encodeURIComponent(target.namespace)}/${action}`;
  const status = (await opsRequest({ address: target.address, token: target.token, method: 'POST', path })) as NamespaceStatus;
  io.stdout.write(renderStatus(status, flags.output ?? 'table', { nodes: false }));
}
