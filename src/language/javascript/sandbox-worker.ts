import type { ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import { WeftError } from '../../errors/index.ts';
import type { ErrorView } from './error-view.ts';
import { encodeFrame } from './encode-frame.ts';
import { FrameDecoder } from './frame-decoder.ts';
import { isJsonExact } from './is-json-exact.ts';
import { fromWire, InputKind, Op, type FromChild, type ToChild } from './sandbox-protocol.ts';
import type { SnippetSource } from './snippet-sandbox.ts';
import { spawnSandboxChild } from './spawn-sandbox-child.ts';

/** Lifecycle of one sandbox child: spawned and loading, serving, being closed, gone. */
export type WorkerState = 'starting' | 'ready' | 'closing' | 'exited';

/** What the worker tells its pool. */
export interface WorkerEvents {
  readonly ready: (worker: SandboxWorker) => void;
  /** The child died without being asked to; its in-flight calls have already failed. */
  readonly exited: (worker: SandboxWorker) => void;
}

interface Pending {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: WeftError) => void;
}

/** How long a closing child may take to exit on EOF before it is killed. */
const CLOSE_GRACE_MS = 2000;
/** How much of the child's stderr is kept to explain a crash. */
const STDERR_TAIL = 4096;

/**
 * One sandbox child process and its calls. Calls are queued and sent in batches: the first
 * call to an idle child goes out on a microtask (lowest latency), calls to a busy one wait for
 * `setImmediate`, so everything a turn of the event loop produced travels in one frame. When
 * the child dies, every call and compile in flight on it fails (ERR_SANDBOX_CRASHED, or
 * ERR_SANDBOX_UNAVAILABLE if it never became ready) and the pool is told. The child and its
 * pipes are unref'd while nothing is in flight, so an idle sandbox never keeps the engine alive.
 */
export class SandboxWorker {
  state: WorkerState = 'starting';
  readonly #entry: string;
  readonly #events: WorkerEvents;
  #child: ChildProcess | undefined;
  #channel: Socket | undefined;
  #outbox: ToChild[] = [];
  #flushQueued = false;
  readonly #calls = new Map<number, Pending>();
  readonly #compiles = new Map<number, Pending>();
  #nextCall = 0;
  #lastProgress = 0;
  #stderr = '';
  #killedBecause: string | undefined;
  #wasReady = false;
  #closed: Promise<void> | undefined;
  #spawnTimer: NodeJS.Timeout | undefined;

  /** Spawns the child at once, or after `delayMs` (the pool's back-off after failed starts). */
  constructor(entry: string, events: WorkerEvents, delayMs = 0) {
    this.#entry = entry;
    this.#events = events;
    if (delayMs > 0) this.#spawnTimer = setTimeout(() => this.#spawn(), delayMs).unref();
    else this.#spawn();
  }

  /** True once the child has said it is ready (a child that dies before never started). */
  get wasReady(): boolean {
    return this.#wasReady;
  }

  /** The child's process id, once spawned and while it runs. */
  get pid(): number | undefined {
    return this.state === 'exited' || this.state === 'closing' ? undefined : this.#child?.pid;
  }

  /** Calls in flight on this child. */
  get load(): number {
    return this.#calls.size;
  }

  /** Milliseconds since the child last answered, while calls or compiles wait on it (0 when idle). */
  stalledFor(now: number): number {
    return this.#calls.size + this.#compiles.size === 0 ? 0 : now - this.#lastProgress;
  }

  compile(id: number, source: SnippetSource): Promise<void> {
    return new Promise<unknown>((resolve, reject) => {
      this.#track(this.#compiles, id, { resolve, reject });
      this.#send([Op.compile, id, source.language, source.code, source.limits.memoryMb, source.limits.timeoutMs]);
    }).then(() => undefined);
  }

  drop(id: number): void {
    this.#send([Op.drop, id]);
  }

  call(snippet: number, input: unknown, view: ErrorView | undefined): Promise<unknown> {
    const id = ++this.#nextCall;
    return new Promise((resolve, reject) => {
      this.#track(this.#calls, id, { resolve, reject });
      if (view !== undefined) this.#send([Op.call, id, snippet, view, InputKind.error]);
      else if (isJsonExact(input)) this.#send([Op.call, id, snippet, JSON.stringify(input), InputKind.json]);
      else this.#send([Op.call, id, snippet, input, InputKind.value]);
    });
  }

  /** Kills a child that stopped answering; its calls fail as a crash with this reason. */
  kill(reason: string): void {
    this.#killedBecause = reason;
    this.#child?.kill('SIGKILL');
  }

  /** Ends the child (EOF on its pipe, SIGKILL after a grace period); calls in flight fail with ERR_SANDBOX_CLOSED. */
  close(): Promise<void> {
    if (this.#closed !== undefined) return this.#closed;
    const wasExited = this.state === 'exited';
    this.state = 'closing';
    clearTimeout(this.#spawnTimer);
    this.#failAll(new WeftError('ERR_SANDBOX_CLOSED'));
    const child = this.#child;
    this.#closed = wasExited || child === undefined || child.exitCode !== null || child.signalCode !== null
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
        const timer = setTimeout(() => child.kill('SIGKILL'), CLOSE_GRACE_MS);
        child.once('close', () => {
          clearTimeout(timer);
          resolve();
        });
        this.#channel?.end();
      });
    return this.#closed;
  }

  #spawn(): void {
    if (this.state !== 'starting') return;
    const child = spawnSandboxChild(this.#entry);
    this.#child = child;
    const channel = child.stdio[3] as Socket;
    this.#channel = channel;
    const decoder = new FrameDecoder((messages) => this.#receive(messages as FromChild[]));
    channel.on('data', (chunk: Buffer) => decoder.push(chunk));
    channel.on('error', () => {}); // a dead child's pipe errors; 'close' below reports the death
    child.stderr!.setEncoding('utf8').on('data', (text: string) => (this.#stderr = (this.#stderr + text).slice(-STDERR_TAIL)));
    child.on('error', (error) => this.#exited(error.message));
    child.on('close', (code, signal) => this.#exited(signal !== null ? `signal ${signal}` : `exit code ${code}`));
    (child.stderr as Socket).unref();
    this.#reference();
    this.#flush();
  }

  #receive(messages: readonly FromChild[]): void {
    this.#lastProgress = performance.now();
    for (const message of messages) {
      switch (message[0]) {
        case Op.ok:
          this.#settle(this.#calls, message[1])?.resolve(message[2]);
          break;
        case Op.okJson:
          this.#settle(this.#calls, message[1])?.resolve(parseResult(message[2]));
          break;
        case Op.fail:
          this.#settle(this.#calls, message[1])?.reject(fromWire(message[2]));
          break;
        case Op.compiled:
          if (message[2] === null) this.#settle(this.#compiles, message[1])?.resolve(undefined);
          else this.#settle(this.#compiles, message[1])?.reject(fromWire(message[2]));
          break;
        case Op.ready:
          this.#wasReady = true;
          if (this.state === 'starting') this.state = 'ready';
          this.#events.ready(this);
          break;
      }
    }
  }

  #track(table: Map<number, Pending>, id: number, pending: Pending): void {
    if (this.state === 'closing' || this.state === 'exited') {
      pending.reject(new WeftError('ERR_SANDBOX_CLOSED'));
      return;
    }
    if (this.#calls.size === 0 && this.#compiles.size === 0) this.#lastProgress = performance.now();
    table.set(id, pending);
    if (this.#calls.size + this.#compiles.size === 1) this.#reference();
  }

  #settle(table: Map<number, Pending>, id: number): Pending | undefined {
    const pending = table.get(id);
    table.delete(id);
    if (this.#calls.size + this.#compiles.size === 0) this.#reference();
    return pending;
  }

  /**
   * Keeps the event loop alive exactly while something is in flight on this child: the pipe
   * (for the answers) and the process handle (so a crash is seen even after the pipe closed).
   */
  #reference(): void {
    if (this.#channel === undefined || this.#child === undefined) return;
    if (this.#calls.size + this.#compiles.size > 0) {
      this.#channel.ref();
      this.#child.ref();
    } else {
      this.#channel.unref();
      this.#child.unref();
    }
  }

  #send(message: ToChild): void {
    if (this.state === 'closing' || this.state === 'exited') return;
    this.#outbox.push(message);
    if (this.#flushQueued) return;
    this.#flushQueued = true;
    if (this.#calls.size + this.#compiles.size <= 1) queueMicrotask(() => this.#flush());
    else setImmediate(() => this.#flush());
  }

  #flush(): void {
    this.#flushQueued = false;
    if (this.#channel === undefined || this.#outbox.length === 0) return;
    const messages = this.#outbox;
    this.#outbox = [];
    const frame = encodeFrame(messages, (message, error) => {
      if (message[0] !== Op.call) return;
      const reason = `the payload cannot be copied into the sandbox: ${error instanceof Error ? error.message : String(error)}`;
      this.#settle(this.#calls, message[1])?.reject(new WeftError('ERR_SNIPPET_RUNTIME', { reason }));
    });
    if (frame !== undefined) this.#channel.write(frame);
  }

  #exited(reason: string): void {
    if (this.state === 'exited') return;
    const closing = this.state === 'closing';
    const started = this.#wasReady;
    this.state = 'exited';
    this.#outbox = [];
    if (closing) return;
    const cause = this.#killedBecause ?? reason + (/out of memory|is_heap_oom|allocation failed/i.test(this.#stderr) ? ', out of memory' : '');
    const lastWords = this.#stderr.trim().split('\n').slice(-3).join(' | ').slice(-300);
    this.#failAll(started
      ? new WeftError('ERR_SANDBOX_CRASHED', { reason: cause })
      : new WeftError('ERR_SANDBOX_UNAVAILABLE', { reason: lastWords === '' ? cause : `${cause}: ${lastWords}` }));
    this.#events.exited(this);
  }

  #failAll(error: WeftError): void {
    const pending = [...this.#calls.values(), ...this.#compiles.values()];
    this.#calls.clear();
    this.#compiles.clear();
    this.#reference();
    for (const entry of pending) entry.reject(error);
  }
}

/** A JSON result; text the sandbox should never send fails the call rather than the engine. */
function parseResult(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    return Promise.reject(new WeftError('ERR_SNIPPET_RUNTIME', { reason: `the sandbox sent a result that is not JSON: ${(error as Error).message}` }));
  }
}
