import type { ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import { WeftError } from '../../errors/index.ts';
import { crashVerdict, type Operation, type Verdict } from './crash-verdict.ts';
import { encodeFrame } from './encode-frame.ts';
import { FrameDecoder } from './frame-decoder.ts';
import { isJsonExact } from './is-json-exact.ts';
import { payloadSize } from './payload-size.ts';
import type { SandboxCall } from './sandbox-call.ts';
import { fromWire, InputKind, Op, type FromChild, type ToChild } from './sandbox-protocol.ts';
import type { SnippetSource } from './snippet-sandbox.ts';
import { spawnSandboxChild } from './spawn-sandbox-child.ts';
import { ReportReader, type Report } from './supervision.ts';
import { SlotKind } from './watch-slot.ts';

/** Lifecycle of one sandbox child: spawned and loading, serving, being closed, gone. */
export type WorkerState = 'starting' | 'ready' | 'closing' | 'exited';

/** What the worker tells its pool. */
export interface WorkerEvents {
  readonly ready: (worker: SandboxWorker) => void;
  /** An answer arrived (a call or compile settled): the pool may send it more. */
  readonly progress: (worker: SandboxWorker) => void;
  /** The child answered `call` (`call.long`: it ran for a watcher tick or more). */
  readonly answered: (call: SandboxCall) => void;
  /**
   * The child died without being asked to. Calls and compiles it was blamed for have failed;
   * `orphans` are calls in flight it was not blamed for, for the pool to send again.
   */
  readonly exited: (worker: SandboxWorker, death: WorkerDeath) => void;
  /** Calls taken back from a child that runs a long call; they never left the engine's hands for good. */
  readonly reclaimed: (worker: SandboxWorker, calls: readonly SandboxCall[]) => void;
  /** The snippet source of a snippet id (for limits in errors). */
  readonly source: (snippet: number) => SnippetSource | undefined;
}

/** What a worker's death left: the verdict, the calls to send again, whom it blamed, and the nodes it was running. */
export interface WorkerDeath {
  readonly verdict: Verdict;
  readonly orphans: readonly SandboxCall[];
  readonly blamed: SnippetSource | undefined;
  /** Labels of the snippets with calls or compiles in flight. */
  readonly nodes: readonly string[];
}

interface Pending {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: WeftError) => void;
}

/** How long a closing child may take to exit on EOF before it is killed. */
const CLOSE_GRACE_MS = 2000;
/** How much of the child's stderr is kept to explain a crash. */
const STDERR_TAIL = 4096;
const MiB = 1024 * 1024;

/**
 * One sandbox child process and its calls. Calls are queued and sent in batches: the first
 * call to an idle child goes out on a microtask (lowest latency), calls to a busy one wait for
 * `setImmediate`, so everything a turn of the event loop produced travels in one frame. An
 * argument over the snippet's payload limit fails its call at once. The child's supervision
 * pipe tells which call or compile runs long (`running`: the pool sends that child nothing new
 * meanwhile) and why the watcher killed it. When the child dies, crashVerdict blames one
 * operation if it can: that one fails with what it did (ERR_SNIPPET_MEMORY, ERR_SNIPPET_TIMEOUT,
 * ERR_SNIPPET_COMPILE for a compile), the other calls go back to the pool; with nobody to
 * blame everything in flight fails with ERR_SANDBOX_CRASHED (ERR_SANDBOX_UNAVAILABLE if the
 * child never became ready). The child and its pipes are unref'd while nothing is in flight,
 * so an idle sandbox never keeps the engine alive.
 */
export class SandboxWorker {
  state: WorkerState = 'starting';
  readonly #entry: string;
  readonly #events: WorkerEvents;
  readonly #heapMb: number;
  #child: ChildProcess | undefined;
  #channel: Socket | undefined;
  #outbox: ToChild[] = [];
  #flushQueued = false;
  readonly #calls = new Map<number, SandboxCall>();
  readonly #compiles = new Map<number, Pending>();
  /** Snippets sent to this child for compiling. */
  readonly #known = new Set<number>();
  #nextCall = 0;
  #lastProgress = 0;
  #stderr = '';
  #running: Operation | undefined;
  #kill: Extract<Report, { t: 'kill' }> | undefined;
  #killedBecause: string | undefined;
  #wasReady = false;
  #closed: Promise<void> | undefined;
  #spawnTimer: NodeJS.Timeout | undefined;

  /** Spawns the child at once, or after `delayMs` (the pool's back-off after failed starts); `heapMb` caps its own V8 heap. */
  constructor(entry: string, events: WorkerEvents, heapMb: number, delayMs = 0) {
    this.#entry = entry;
    this.#events = events;
    this.#heapMb = heapMb;
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

  /** The snippet of the call the child has been running for a watcher tick or more, if any. */
  get longSnippet(): number | undefined {
    const running = this.#running;
    if (running === undefined) return undefined;
    return running.kind === SlotKind.call ? this.#calls.get(running.id)?.snippet : running.id;
  }

  /** True while the child runs one call or compile for a watcher tick or more (it answers nothing else meanwhile). */
  get busy(): boolean {
    return this.#running !== undefined;
  }

  /** Whether calls of `snippet` are in flight here (a scan: asked only for snippets not yet known to be fast). */
  holds(snippet: number): boolean {
    for (const call of this.#calls.values()) if (call.snippet === snippet) return true;
    return false;
  }

  /** Whether snippet `id` was sent to this child for compiling. */
  has(id: number): boolean {
    return this.#known.has(id);
  }

  /** Milliseconds since the child last answered, while calls or compiles wait on it (0 when idle). */
  stalledFor(now: number): number {
    return this.#calls.size + this.#compiles.size === 0 ? 0 : now - this.#lastProgress;
  }

  compile(id: number, source: SnippetSource): Promise<void> {
    this.#known.add(id);
    return new Promise<unknown>((resolve, reject) => {
      if (!this.#accepts(reject)) return;
      const idle = this.#idle();
      this.#compiles.set(id, { resolve, reject });
      if (idle) this.#started();
      this.#send([Op.compile, id, source.language, source.code, source.limits.memoryMb, source.limits.timeoutMs, source.limits.payloadMb]);
    }).then(() => undefined);
  }

  drop(id: number): void {
    this.#known.delete(id);
    this.#send([Op.drop, id]);
  }

  /** Sends `call`; it settles through its own promise. */
  send(call: SandboxCall): void {
    if (!this.#accepts((error) => call.reject(error))) return;
    let input = call.input;
    let kind: InputKind = InputKind.value;
    let size: number;
    if (call.view !== undefined) {
      input = call.view;
      kind = InputKind.error;
      size = call.view.message.length;
    } else if (isJsonExact(input)) {
      input = JSON.stringify(input);
      kind = InputKind.json;
      size = (input as string).length;
    } else {
      size = payloadSize(input, call.maxChars);
    }
    if (size > call.maxChars) {
      call.reject(new WeftError('ERR_SNIPPET_PAYLOAD_TOO_LARGE', { what: 'argument', size: `${(size / MiB).toFixed(1)} MiB`, mb: call.maxChars / MiB }));
      return;
    }
    const id = ++this.#nextCall;
    const idle = this.#idle();
    this.#calls.set(id, call);
    if (idle) this.#started();
    this.#send([Op.call, id, call.snippet, input, kind, call.deadline]);
  }

  /** Fails with ERR_SANDBOX_BUSY the calls in flight past their deadline, but the one running (for a stuck child). */
  expire(now: number): void {
    const running = this.#running?.kind === SlotKind.call ? this.#running.id : undefined;
    for (const [id, call] of this.#calls) {
      if (id === running || call.deadline >= now) continue;
      this.#settle(id);
      call.reject(new WeftError('ERR_SANDBOX_BUSY', { ms: Math.round(now - call.deadline) }));
    }
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
    const child = spawnSandboxChild(this.#entry, this.#heapMb);
    this.#child = child;
    const channel = child.stdio[3] as Socket;
    this.#channel = channel;
    const decoder = new FrameDecoder((messages) => this.#receive(messages as FromChild[]));
    channel.on('data', (chunk: Buffer) => decoder.push(chunk));
    channel.on('error', () => {}); // a dead child's pipe errors; 'close' below reports the death
    const reports = new ReportReader((report) => this.#supervise(report));
    const supervision = child.stdio[4] as Socket;
    supervision.setEncoding('utf8').on('data', (text: string) => reports.push(text));
    supervision.on('error', () => {});
    supervision.unref();
    child.stderr!.setEncoding('utf8').on('data', (text: string) => (this.#stderr = (this.#stderr + text).slice(-STDERR_TAIL)));
    child.on('error', (error) => this.#exited(error.message));
    child.on('close', (code, signal) => this.#exited(signal !== null ? `signal ${signal}` : `exit code ${code}`));
    (child.stderr as Socket).unref();
    this.#reference();
    this.#flush();
  }

  #supervise(report: Report): void {
    switch (report.t) {
      case 'begin':
      case 'run': {
        const inFlight = report.kind === SlotKind.call ? this.#calls.has(report.id) : report.kind === SlotKind.compile && this.#compiles.has(report.id);
        if (!inFlight) break;
        this.#running = { kind: report.kind, id: report.id };
        if (report.kind === SlotKind.call) this.#calls.get(report.id)!.long = true;
        if (report.t === 'run') this.#reclaim();
        break;
      }
      case 'end':
        if (this.#running?.kind === report.kind && this.#running.id === report.id) this.#running = undefined;
        break;
      case 'kill':
        this.#kill = report;
        break;
    }
  }

  /**
   * Takes back the calls waiting behind the long operation the child runs, tells the child to
   * skip them, and hands them to the pool (which sends them to another child).
   */
  #reclaim(): void {
    const running = this.#running;
    const taken: SandboxCall[] = [];
    const ids: number[] = [];
    for (const [id, call] of this.#calls) {
      if (running?.kind === SlotKind.call && running.id === id) continue;
      taken.push(call);
      ids.push(id);
    }
    if (taken.length === 0) return;
    for (const id of ids) this.#settle(id);
    this.#send([Op.cancel, ids]);
    this.#events.reclaimed(this, taken);
  }

  #receive(messages: readonly FromChild[]): void {
    this.#lastProgress = performance.now();
    for (const message of messages) {
      switch (message[0]) {
        case Op.ok:
          this.#answered(message[1])?.resolve(message[2]);
          break;
        case Op.okJson: {
          const call = this.#answered(message[1]);
          if (call !== undefined) settleJson(call, message[2]);
          break;
        }
        case Op.fail:
          this.#answered(message[1])?.reject(fromWire(message[2]));
          break;
        case Op.compiled:
          if (message[2] === null) this.#settleCompile(message[1])?.resolve(undefined);
          else this.#settleCompile(message[1])?.reject(fromWire(message[2]));
          break;
        case Op.ready:
          this.#wasReady = true;
          if (this.state === 'starting') this.state = 'ready';
          this.#events.ready(this);
          break;
      }
    }
    this.#events.progress(this);
  }

  #accepts(reject: (error: WeftError) => void): boolean {
    if (this.state !== 'closing' && this.state !== 'exited') return true;
    reject(new WeftError('ERR_SANDBOX_CLOSED'));
    return false;
  }

  #idle(): boolean {
    return this.#calls.size + this.#compiles.size === 0;
  }

  /** The first call or compile of an idle child: starts its progress clock and keeps the loop alive. */
  #started(): void {
    this.#lastProgress = performance.now();
    this.#reference();
  }

  #answered(id: number): SandboxCall | undefined {
    const call = this.#settle(id);
    if (call !== undefined) this.#events.answered(call);
    return call;
  }

  #settle(id: number): SandboxCall | undefined {
    const call = this.#calls.get(id);
    if (call === undefined) return undefined;
    this.#calls.delete(id);
    if (this.#running?.kind === SlotKind.call && this.#running.id === id) this.#running = undefined;
    if (this.#calls.size + this.#compiles.size === 0) this.#reference();
    return call;
  }

  #settleCompile(id: number): Pending | undefined {
    const pending = this.#compiles.get(id);
    this.#compiles.delete(id);
    if (this.#running?.kind === SlotKind.compile && this.#running.id === id) this.#running = undefined;
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
      this.#settle(message[1])?.reject(new WeftError('ERR_SNIPPET_RUNTIME', { reason }));
    });
    if (frame !== undefined) this.#channel.write(frame);
  }

  #exited(exit: string): void {
    if (this.state === 'exited') return;
    const closing = this.state === 'closing';
    this.state = 'exited';
    this.#outbox = [];
    if (closing) return;
    if (!this.#wasReady) {
      const lastWords = this.#stderr.trim().split('\n').slice(-3).join(' | ').slice(-300);
      this.#failAll(new WeftError('ERR_SANDBOX_UNAVAILABLE', { reason: lastWords === '' ? exit : `${exit}: ${lastWords}` }));
      this.#events.exited(this, { verdict: { why: 'crash', resend: false, reason: exit }, orphans: [], blamed: undefined, nodes: [] });
      return;
    }
    const verdict = crashVerdict({ kill: this.#kill, killedBecause: this.#killedBecause, exit, stderr: this.#stderr, running: this.#running });
    const culprit = verdict.culprit;
    const orphans: SandboxCall[] = [];
    let blamed: SnippetSource | undefined;
    const nodes = new Set<string>();
    for (const call of this.#calls.values()) nodes.add(this.#events.source(call.snippet)?.label ?? `snippet ${call.snippet}`);
    for (const id of this.#compiles.keys()) nodes.add(this.#events.source(id)?.label ?? `snippet ${id}`);
    const crashed = new WeftError('ERR_SANDBOX_CRASHED', { reason: verdict.reason });
    for (const [id, call] of this.#calls) {
      if (culprit?.kind === SlotKind.call && culprit.id === id) {
        blamed = this.#events.source(call.snippet);
        call.reject(callError(verdict, blamed) ?? crashed);
      } else if (verdict.resend && !call.retried) {
        orphans.push(call);
      } else {
        call.reject(crashed);
      }
    }
    for (const [id, pending] of this.#compiles) {
      const error = culprit?.kind === SlotKind.compile && culprit.id === id ? compileError(verdict, (blamed = this.#events.source(id))) : undefined;
      pending.reject(error ?? crashed);
    }
    this.#calls.clear();
    this.#compiles.clear();
    this.#reference();
    this.#events.exited(this, { verdict, orphans, blamed, nodes: [...nodes] });
  }

  #failAll(error: WeftError): void {
    const calls = [...this.#calls.values()];
    const compiles = [...this.#compiles.values()];
    this.#calls.clear();
    this.#compiles.clear();
    this.#reference();
    for (const call of calls) call.reject(error);
    for (const pending of compiles) pending.reject(error);
  }
}

/** The error of the call a death was blamed on, when the evidence says what it did. */
function callError(verdict: Verdict, source: SnippetSource | undefined): WeftError | undefined {
  if (source === undefined) return undefined;
  if (verdict.why === 'memory') return new WeftError('ERR_SNIPPET_MEMORY', { mb: source.limits.memoryMb });
  if (verdict.why === 'timeout') return new WeftError('ERR_SNIPPET_TIMEOUT', { ms: source.limits.timeoutMs });
  return undefined;
}

/**
 * The error of a compile a death was blamed on: ERR_SNIPPET_COMPILE (deterministic, so the
 * loader does not retry it) when the evidence says what the top-level code did; otherwise none
 * (an outside kill looks the same as a crash, so the compile fails as ERR_SANDBOX_CRASHED).
 */
function compileError(verdict: Verdict, source: SnippetSource | undefined): WeftError | undefined {
  if (source === undefined || verdict.why === 'crash') return undefined;
  const reason = verdict.why === 'memory'
    ? `the module's top-level code went over the memory limit of ${source.limits.memoryMb} MiB and its sandbox process was lost (${verdict.reason})`
    : `the module's top-level code ran past its time limit of ${source.limits.timeoutMs} ms and could not be stopped; its sandbox process was replaced`;
  return new WeftError('ERR_SNIPPET_COMPILE', { language: source.language, reason });
}

/** Resolves a call with its JSON result; text the sandbox should never send fails the call rather than the engine. */
function settleJson(call: SandboxCall, text: string): void {
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (error) {
    call.reject(new WeftError('ERR_SNIPPET_RUNTIME', { reason: `the sandbox sent a result that is not JSON: ${(error as Error).message}` }));
    return;
  }
  call.resolve(value);
}
