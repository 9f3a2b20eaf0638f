import { Command } from 'commander';
import { stringify } from 'yaml';
import type { InjectResult } from '../../src/index.ts';
import { outputOption } from '../context.ts';
import { ExitStatus } from '../exit-status.ts';
import type { CliIO } from '../io.ts';
import { readData } from '../invoke/read-data.ts';
import { opsOptions, opsTarget, type OpsFlags } from '../ops/ops-flags.ts';
import { opsRequest } from '../ops/ops-request.ts';
import { remoteError } from '../ops/remote-error.ts';

interface InjectFlags extends OpsFlags {
  readonly port: string;
  readonly data?: string;
}

/** How long `weft inject` waits for the reply (the engine ends a process at its own deadline). */
const INJECT_TIMEOUT_MS = 300_000;

/**
 * `weft inject NODE`: runs one process in a running engine, starting at an in-port of one of its
 * nodes with the --data payload (seed 004 inject), through the ops plane; unlike `weft invoke`,
 * it runs against the live nodes, listeners and connections included. Prints the reply payload
 * as JSON (table) or the whole answer (-o json|yaml); an error reply is printed as
 * `error CODE: message`, exit 1; unusable --data exits 2.
 */
export function injectCommand(io: CliIO): Command {
  const command = new Command('inject')
    .description('run one process in a running engine from an in-port of a node, and print the reply (over the ops plane)')
    .argument('<node>', 'name of the node')
    .option('--port <port>', 'the in-port to start at', 'in')
    .option('-d, --data <json>', 'the payload: JSON text, @FILE or @- for standard input (default null)');
  return outputOption(opsOptions(command)).action(async (node: string, flags: InjectFlags) => {
    let value: unknown;
    try {
      value = await readData(flags.data, io);
    } catch (thrown) {
      throw new ExitStatus(2, thrown);
    }
    const target = opsTarget(io, flags);
    const path = `/v1/nodes/${encodeURIComponent(target.namespace)}/${encodeURIComponent(node)}/inject`;
    const result = (await opsRequest({ address: target.address, method: 'POST', path, body: { port: flags.port, value }, timeoutMs: INJECT_TIMEOUT_MS })) as InjectResult;
    const format = flags.output ?? 'table';
    if (format === 'json') io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else if (format === 'yaml') io.stdout.write(stringify(result));
    else if (result.error === undefined) io.stdout.write(`${JSON.stringify(result.payload, null, 2)}\n`);
    if (result.error !== undefined) throw new ExitStatus(1, remoteError(result.error, 'error reply'));
  });
}
