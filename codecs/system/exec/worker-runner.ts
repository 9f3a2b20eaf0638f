import { WeftError } from '../../../src/index.ts';
import { commandLabel, killHandler, reasonOf, spawnHandler, type ExecCall, type HandlerCommand, type Runner } from './handler.ts';
import { Slots } from '../../_shared/slots.ts';
import { StderrLog, withStderr } from './stderr-log.ts';

interface Pending {
  resolve(value: unknown): void;
  reject(reason: unknown): void;
}

interface Worker {
  readonly child: ReturnType<typeof spawnHandler>;
  readonly pending: Map<number, Pending>;
  readonly stderr: StderrLog;
  buffer: string;
}

/** How long `close` lets a worker exit after SIGTERM before it is killed. */
const STOP_GRACE_MS = 1000;

/**
 * Mode `worker`: one long-lived process speaking newline-delimited JSON. Each call writes
 * `{"id", "call", "payload"}` (and `traceparent` when the process carries one) as a line on
 * stdin; the worker answers each with a line `{"id", "reply"}` or `{"id", "error"}`, in any
 * order, so up to `concurrency` calls are in flight at once. Started on the first call; when
 * it dies, its calls in flight fail with ERR_EXEC_CRASHED and the next call starts a new one.
 * Lines that are not replies are logged and skipped.
 */
export class WorkerRunner implements Runner {
  readonly #command: HandlerCommand;
  readonly #label: string;
  readonly #slots: Slots;
  #worker: Worker | undefined;
  #nextId = 0;
  #closed = false;

  constructor(command: HandlerCommand, concurrency: number) {
    this.#command = command;
    this.#label = commandLabel(command);
    this.#slots = new Slots(concurrency);
  }

  /** The pid of the running worker, if one runs (for logs and tests). */
  get pid(): number | undefined {
    return this.#worker?.child.pid;
  }

  async run(call: ExecCall): Promise<unknown> {
    if (!(await this.#slots.acquire(call.signal))) throw call.signal.reason;
    try {
      return await this.#send(call);
    } finally {
      this.#slots.release();
    }
  }

  /** Stops the worker: SIGTERM, then SIGKILL after a grace period; its calls in flight fail. */
  async close(): Promise<void> {
    this.#closed = true;
    const worker = this.#worker;
    if (worker === undefined) return;
    const exited = new Promise<void>((resolve) => worker.child.once('close', () => resolve()));
    worker.child.stdin.end();
    killHandler(worker.child, 'SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), STOP_GRACE_MS)));
    if ((await Promise.race([exited, late])) === 'late') {
      killHandler(worker.child, 'SIGKILL');
      await exited;
    }
    clearTimeout(timer);
  }

  #send(call: ExecCall): Promise<unknown> {
    if (this.#closed) return Promise.reject(new WeftError('ERR_NODE_CLOSED', { node: `exec ${this.#label}` }));
    let worker: Worker;
    try {
      worker = this.#worker ?? this.#start();
    } catch (thrown) {
      return Promise.reject(thrown);
    }
    const id = ++this.#nextId;
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        worker.pending.delete(id);
        reject(call.signal.reason);
      };
      call.signal.addEventListener('abort', onAbort, { once: true });
      const settle = (done: () => void): void => {
        call.signal.removeEventListener('abort', onAbort);
        done();
      };
      worker.pending.set(id, {
        resolve: (value) => settle(() => resolve(value)),
        reject: (reason) => settle(() => reject(reason)),
      });
      const traceparent = call.traceparent === undefined ? '' : `,"traceparent":${JSON.stringify(call.traceparent)}`;
      worker.child.stdin.write(`{"id":${id},"call":${JSON.stringify(call.callId)}${traceparent},"payload":${call.json}}\n`);
    });
  }

  #start(): Worker {
    const command = this.#command;
    const child = spawnHandler(command);
    const worker: Worker = { child, pending: new Map(), stderr: new StderrLog(command.logger), buffer: '' };
    this.#worker = worker;
    let failure: WeftError | undefined;
    child.on('error', (thrown) => {
      failure ??= new WeftError('ERR_EXEC_SPAWN', { command: this.#label, reason: reasonOf(thrown) }, { cause: thrown });
    });
    child.stdin.on('error', () => {}); // EPIPE while the worker dies; its exit fails the calls
    child.stderr.on('data', (chunk: Buffer) => worker.stderr.write(chunk));
    child.stdout.on('data', (chunk: Buffer) => this.#read(worker, chunk));
    child.on('close', (code, signal) => {
      if (this.#worker === worker) this.#worker = undefined;
      worker.stderr.end();
      const how = signal !== null ? `killed by ${signal}` : `exited with code ${code}`;
      if (failure === undefined && !this.#closed) command.logger.warn({ pid: child.pid, code, signal }, 'exec worker ended; the next call starts a new one');
      const error = failure ?? new WeftError('ERR_EXEC_CRASHED', { command: this.#label, reason: withStderr(how, worker.stderr) });
      for (const pending of worker.pending.values()) pending.reject(error);
      worker.pending.clear();
    });
    return worker;
  }

  #read(worker: Worker, chunk: Buffer): void {
    worker.buffer += chunk.toString();
    if (worker.buffer.length > this.#command.maxOutputBytes && !worker.buffer.includes('\n')) {
      const error = new WeftError('ERR_EXEC_OUTPUT_TOO_LARGE', { command: this.#label, max: this.#command.maxOutputBytes });
      for (const pending of worker.pending.values()) pending.reject(error);
      worker.pending.clear();
      worker.buffer = '';
      killHandler(worker.child);
      return;
    }
    let newline = worker.buffer.indexOf('\n');
    while (newline !== -1) {
      const line = worker.buffer.slice(0, newline);
      worker.buffer = worker.buffer.slice(newline + 1);
      if (line.trim() !== '') this.#answer(worker, line);
      newline = worker.buffer.indexOf('\n');
    }
  }

  #answer(worker: Worker, line: string): void {
    let message: unknown;
    try {
      message = JSON.parse(line);
    } catch {
      message = undefined;
    }
    const id = typeof message === 'object' && message !== null ? (message as { id?: unknown }).id : undefined;
    const pending = typeof id === 'number' ? worker.pending.get(id) : undefined;
    if (pending === undefined) {
      this.#command.logger.warn({ line: line.slice(0, 200) }, 'exec worker wrote a line that answers no call in flight; skipped');
      return;
    }
    worker.pending.delete(id as number);
    const answer = message as { reply?: unknown; error?: unknown };
    if ('error' in answer && answer.error !== undefined && answer.error !== null) {
      const error = answer.error as { message?: unknown };
      const reason = typeof error === 'object' && typeof error.message === 'string' ? error.message : String(answer.error);
      pending.reject(new WeftError('ERR_EXEC_FAILED', { command: this.#label, reason }));
    } else if ('reply' in answer) {
      pending.resolve(answer.reply);
    } else {
      pending.reject(new WeftError('ERR_EXEC_OUTPUT_INVALID', { command: this.#label, reason: `answer ${id} has neither reply nor error` }));
    }
  }
}
