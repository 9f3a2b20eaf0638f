import { Command } from 'commander';
import type { CliIO } from '../io.ts';
import { opsOptions, type OpsFlags } from '../ops/ops-flags.ts';
import { outputOption } from '../options.ts';

/** `weft pause|resume [NS]`: one POST to the namespace's route of the ops plane, then its status. */
function switchCommand(io: CliIO, action: 'pause' | 'resume', description: string): Command {
  const command = new Command(action).description(description).argument('[namespace]', 'the namespace (default: -n, WEFT_NAMESPACE, else "default")');
  return outputOption(opsOptions(command)).action(async (namespace: string | undefined, flags: OpsFlags) => (await import('../actions/pause-resume.ts')).runSwitch(io, action, namespace, flags));
}

/**
 * `weft pause [NS]`: pauses a namespace of a running engine through its ops plane: its sources stop
 * admitting new work (listeners hold requests in the bounded backlog, 503 ERR_BACKLOG_FULL past
 * it; consumers stop pulling; schedules skip their ticks); work in flight goes on.
 * Prints the namespace's status after it; already paused is not an error.
 */
export function pauseCommand(io: CliIO): Command {
  return switchCommand(io, 'pause', 'pause a running namespace: listeners hold new requests in a bounded backlog, consumers stop pulling, schedules skip');
}

/**
 * `weft resume [NS]`: resumes a paused namespace of a running engine through its ops plane: the
 * backlog is admitted in arrival order and the sources take work again. Not paused is not an error.
 */
export function resumeCommand(io: CliIO): Command {
  return switchCommand(io, 'resume', 'resume a paused namespace: its backlog is served in arrival order');
}
