import { WeftError } from '../../../src/index.ts';
import { commandLabel, killHandler, reasonOf, spawnHandler, type ExecCall, type HandlerCommand, type Runner } from './handler.ts';
import { Slots } from '../../_shared/slots.ts';
import { StderrLog, withStderr } from './stderr-log.ts';

/**
 * Mode `once`: a process per call. The payload goes to stdin as JSON (and stdin is closed); the
 * reply is the JSON on stdout once the process exits with code 0. A non-zero exit is
 * ERR_EXEC_FAILED (with the end of stderr), a signal ERR_EXEC_CRASHED, output that is not JSON
 * ERR_EXEC_OUTPUT_INVALID, too much of it ERR_EXEC_OUTPUT_TOO_LARGE. An aborted call kills
 * the process group. At most `concurrency` processes run at once; other calls wait their turn.
 */
export class OnceRunner implements Runner {
  readonly #command: HandlerCommand;
  readonly #slots: Slots;
  readonly #running = new Set<() => void>();

  constructor(command: HandlerCommand, concurrency: number) {
    this.#command = command;
    this.#slots = new Slots(concurrency);
  }

  async run(call: ExecCall): Promise<unknown> {
    if (!(await this.#slots.acquire(call.signal))) throw call.signal.reason;
    try {
      return await this.#spawn(call);
    } finally {
      this.#slots.release();
    }
  }

  /** Kills the processes still running (their calls fail); later calls still run. */
  async close(): Promise<void> {
    for (const kill of this.#running) kill();
  }

  #spawn(call: ExecCall): Promise<unknown> {
    const command = this.#command;
    const label = commandLabel(command);
    const env: Record<string, string> = { WEFT_CALL: call.callId };
    if (call.traceparent !== undefined) env.TRACEPARENT = call.traceparent;
    return new Promise((resolve, reject) => {
      const stderr = new StderrLog(command.logger);
      const stdout: Buffer[] = [];
      let size = 0;
      let failure: unknown;
      let child: ReturnType<typeof spawnHandler>;
      try {
        child = spawnHandler(command, env);
      } catch (thrown) {
        reject(new WeftError('ERR_EXEC_SPAWN', { command: label, reason: reasonOf(thrown) }, { cause: thrown }));
        return;
      }
      const kill = (): void => killHandler(child);
      const fail = (error: unknown): void => {
        failure ??= error;
        kill();
      };
      const onAbort = (): void => fail(call.signal.reason);
      this.#running.add(kill);
      call.signal.addEventListener('abort', onAbort, { once: true });
      child.on('error', (thrown) => {
        failure ??= new WeftError('ERR_EXEC_SPAWN', { command: label, reason: reasonOf(thrown) }, { cause: thrown });
      });
      child.stdin.on('error', () => {}); // EPIPE when the handler exits without reading its input
      child.stderr.on('data', (chunk: Buffer) => stderr.write(chunk));
      child.stdout.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > command.maxOutputBytes) fail(new WeftError('ERR_EXEC_OUTPUT_TOO_LARGE', { command: label, max: command.maxOutputBytes }));
        else stdout.push(chunk);
      });
      child.on('close', (code, signal) => {
        this.#running.delete(kill);
        call.signal.removeEventListener('abort', onAbort);
        stderr.end();
        if (failure !== undefined) reject(failure);
        else if (signal !== null) reject(new WeftError('ERR_EXEC_CRASHED', { command: label, reason: withStderr(`killed by ${signal}`, stderr) }));
        else if (code !== 0) reject(new WeftError('ERR_EXEC_FAILED', { command: label, reason: withStderr(`exited with code ${code}`, stderr) }));
        else {
          try {
            resolve(parseReply(label, Buffer.concat(stdout).toString()));
          } catch (thrown) {
            reject(thrown);
          }
        }
      });
      child.stdin.end(`${call.json}\n`);
    });
  }
}

function parseReply(label: string, text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (thrown) {
    const shown = text.trim() === '' ? 'stdout was empty' : `${reasonOf(thrown)} in ${JSON.stringify(text.slice(0, 200))}`;
    throw new WeftError('ERR_EXEC_OUTPUT_INVALID', { command: label, reason: shown }, { cause: thrown });
  }
}
