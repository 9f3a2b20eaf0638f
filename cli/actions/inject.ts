import { stringify } from 'yaml';
import type { InjectResult } from '../../src/index.ts';
import { ExitStatus } from '../exit-status.ts';
import type { CliIO } from '../io.ts';
import { readData } from '../invoke/read-data.ts';
import { opsTarget } from '../ops/ops-target.ts';
import { opsRequest } from '../ops/ops-request.ts';
import { remoteError } from '../ops/remote-error.ts';
import type { InjectFlags } from '../commands/inject.ts';

/** How long `weft inject` waits for the reply (the engine ends a process at its own deadline). */
const INJECT_TIMEOUT_MS = 300_000;

/** Runs `weft inject` (its definition: cli/commands/inject.ts). */
export async function runInject(io: CliIO, node: string, flags: InjectFlags): Promise<void> {
  let value: unknown;
  try {
    value = await readData(flags.data, io);
  } catch (thrown) {
    throw new ExitStatus(2, thrown);
  }
  const target = opsTarget(io, flags);
  const path = `/v1/nodes/${encodeURIComponent(target.namespace)}/${encodeURIComponent(node)}/inject`;
  const result = (await opsRequest({ address: target.address, token: target.token, method: 'POST', path, body: { port: flags.port, value }, timeoutMs: INJECT_TIMEOUT_MS })) as InjectResult;
  const format = flags.output ?? 'table';
  if (format === 'json') io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else if (format === 'yaml') io.stdout.write(stringify(result));
  else if (result.error === undefined) io.stdout.write(`${JSON.stringify(result.payload, null, 2)}\n`);
  if (result.error !== undefined) throw new ExitStatus(1, remoteError(result.error, 'error reply'));
}
