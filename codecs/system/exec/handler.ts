import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import type { Logger } from '../../../src/index.ts';

/** How to start a handler: the spec's command line, working directory and environment. */
export interface HandlerCommand {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd?: string;
  /** The full environment of the handler (the engine's, the spec's, the runtime API's). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The most bytes of stdout taken for one reply. */
  readonly maxOutputBytes: number;
  readonly logger: Logger;
}

/** One call of a handler, as the exec node hands it to a runner. */
export interface ExecCall {
  /** The payload as JSON text (one line: JSON has no raw newlines). */
  readonly json: string;
  /** Aborted when the call's timeout passes or its process ends; the runner then gives up. */
  readonly signal: AbortSignal;
  /** The id under which the call's process is known to the runtime API (header `weft-call`). */
  readonly callId: string;
  readonly traceparent?: string;
}

/**
 * Runs calls of one handler. `run` resolves to the reply value, or rejects with a WeftError
 * (ERR_EXEC_*), or rejects with anything once `call.signal` aborted (the node names why).
 */
export interface Runner {
  run(call: ExecCall): Promise<unknown>;
  close(): Promise<void>;
}

/** The label of a handler in messages: its command and arguments. */
export function commandLabel(command: HandlerCommand): string {
  return [command.command, ...command.args].join(' ');
}

/**
 * Starts the handler in a process group of its own, so that killing it also ends what it
 * started (a shell's children), which would otherwise keep its pipes open.
 */
export function spawnHandler(command: HandlerCommand, extraEnv: Readonly<Record<string, string>> = {}): ChildProcessWithoutNullStreams {
  return spawn(command.command, command.args, {
    cwd: command.cwd,
    env: { ...command.env, ...extraEnv },
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
  });
}

/** Sends `signal` to the handler's whole process group (quietly: it may be gone already). */
export function killHandler(child: ChildProcessWithoutNullStreams, signal: NodeJS.Signals = 'SIGKILL'): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // Already gone.
    }
  }
}

/** The reason of a failed spawn or pipe, for messages. */
export function reasonOf(thrown: unknown): string {
  return thrown instanceof Error ? thrown.message : String(thrown);
}
