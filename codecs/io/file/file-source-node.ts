import { stdin } from 'node:process';
import {
  OutPort, Packet, SourceNode, toWeftError, WeftError,
  type CodecContext, type InPort, type Logger, type Process,
} from '../../../src/index.ts';
import { Batcher, type BatchOptions } from '../../_shared/batch.ts';
import { csvItems } from './csv-items.ts';
import { fileChunks, type FileChunk } from './file-chunks.ts';
import type { FileFormat, FileItem } from './file-item.ts';
import { LineItems } from './line-items.ts';

/** Options of a FileSourceNode (the spec's fields with their defaults filled in). */
export interface FileSourceOptions {
  readonly name: string;
  /** A file path, or `-` for the engine's standard input. */
  readonly path: string;
  readonly format: FileFormat;
  readonly delimiter: string;
  readonly concurrency: number;
  readonly batch?: BatchOptions;
  readonly follow: boolean;
  readonly fromEnd: boolean;
  readonly pollMs: number;
  readonly context: CodecContext;
}

/** The lifecycle states of a file source. `done`: the file was read to its end and `done` was sent. */
export type FileSourceState = 'idle' | 'reading' | 'done' | 'failed' | 'stopped' | 'closed';

/** What a file source did since it was activated; sent on `done` (with `path` and `ms`). */
export interface FileSourceCounters {
  /** Lines read (blank ones included); for CSV the line the last record ended on. */
  lines: number;
  /** Records sent to `out`. */
  records: number;
  /** Lines that could not be parsed (each went to `error`). */
  errors: number;
  /** Processes started on `out` (one per record, or one per batch). */
  processes: number;
  /** Processes on `out` whose reply was an error. */
  failed: number;
}

/**
 * Reads a file (or stdin) record by record and runs each record, or each batch of records, as a
 * root process on `out`. At most `concurrency` processes run at once: reading stops while the
 * source is full and while the namespace is paused. A line that cannot be parsed goes to `error`
 * as ERR_FILE_RECORD_INVALID with its line number and text. Without `follow`, once every record
 * was read and every process ended, one last process sends the counters to `done`. Reading
 * starts over in a replacement node (a reload, a restart): the position is not kept.
 */
export class FileSourceNode extends SourceNode {
  readonly name: string;
  readonly donePort = new OutPort('done');
  readonly counters: FileSourceCounters = { lines: 0, records: 0, errors: 0, processes: 0, failed: 0 };
  readonly #options: FileSourceOptions;
  readonly #logger: Logger;
  readonly #batcher: Batcher<unknown> | undefined;
  /** Batches closed by their window while the source was full: they start as soon as there is room. */
  readonly #held: unknown[][] = [];
  #inFlight = 0;
  #wake: (() => void) | undefined;
  #state: FileSourceState = 'idle';
  #stop: AbortController | undefined;
  #loop: Promise<void> | undefined;
  #unregister: (() => void) | undefined;
  #offPause: (() => void) | undefined;
  #startedAt = 0;

  constructor(options: FileSourceOptions) {
    super();
    this.#options = options;
    this.name = options.name;
    this.#logger = options.context.logger.child({ kind: 'file', node: options.name, path: options.path });
    if (options.batch !== undefined) this.#batcher = new Batcher(options.batch, (items) => this.#hold(items));
  }

  get state(): FileSourceState {
    return this.#state;
  }

  /** The processes running now. */
  get inFlight(): number {
    return this.#inFlight;
  }

  override out(name: string): OutPort | undefined {
    return name === 'done' ? this.donePort : super.out(name);
  }

  override in(_name: string): InPort | undefined {
    return undefined;
  }

  /** Starts reading in the background (idempotent). */
  activate(): void {
    if (this.#state === 'closed') throw new WeftError('ERR_NODE_CLOSED', { node: `file ${this.name}` });
    // A file read to its end is not read again by this node (a new node, from applying the spec again, is).
    if (this.#loop !== undefined || this.#state === 'done') return;
    const { context } = this.#options;
    this.#unregister ??= context.health?.register(`file ${context.namespace}/${this.name}`, () =>
      this.#state === 'failed' ? { ok: false, reason: `cannot read ${this.#options.path}` } : { ok: true });
    this.#offPause ??= context.processes.onPauseChange(() => {
      // On resume, batches held while paused start first.
      this.#startHeld();
      this.#wake?.();
    });
    const stop = (this.#stop = new AbortController());
    this.#loop = this.#run(stop.signal);
  }

  /** Stops reading; records read but not started are dropped (a replacement reads the file again); running processes go on. */
  async deactivate(): Promise<void> {
    this.#unregister?.();
    this.#unregister = undefined;
    this.#offPause?.();
    this.#offPause = undefined;
    const loop = this.#loop;
    if (loop === undefined) return;
    this.#stop!.abort();
    this.#wake?.();
    await loop;
    this.#loop = undefined;
    this.#batcher?.close();
    this.#held.length = 0;
    if (this.#state === 'reading') this.#state = 'stopped';
  }

  async close(): Promise<void> {
    if (this.#state === 'closed') return;
    await this.deactivate();
    this.#state = 'closed';
  }

  async #run(signal: AbortSignal): Promise<void> {
    const { path, format, follow } = this.#options;
    this.#state = 'reading';
    this.#startedAt = performance.now();
    Object.assign(this.counters, { lines: 0, records: 0, errors: 0, processes: 0, failed: 0 });
    try {
      const chunks = path === '-' ? stdinChunks(signal) : fileChunks({
        path, follow, fromEnd: this.#options.fromEnd, pollMs: this.#options.pollMs, signal,
        onReset: (why) => this.#logger.info(`followed file ${why}: reading it from its start`),
      });
      if (format === 'csv') {
        for await (const items of csvItems(chunks, this.#options.delimiter)) if (!(await this.#take(items, signal))) return;
      } else {
        const lines = new LineItems(format);
        for await (const chunk of chunks) {
          if (!(await this.#take(chunk === 'rotated' ? lines.end() : lines.push(chunk), signal))) return;
          this.counters.lines = lines.lines;
        }
        if (!(await this.#take(lines.end(), signal))) return;
        this.counters.lines = lines.lines;
      }
      if (signal.aborted) return;
      this.#batcher?.flush();
      // Done once every batch started and every process ended.
      while (this.#held.length > 0 || this.#inFlight > 0) if (!(await this.#room(signal, true))) return;
      this.#state = 'done';
      this.#sendDone();
    } catch (thrown) {
      if (signal.aborted) return;
      this.#state = 'failed';
      const error = new WeftError('ERR_FILE_READ', { path, reason: thrown instanceof Error ? thrown.message : String(thrown) });
      this.#logger.error({ err: error }, 'file source stopped: cannot read the file');
    }
  }

  /** Starts (or batches) each item, waiting for room before each; false when reading must stop. */
  async #take(items: readonly FileItem[], signal: AbortSignal): Promise<boolean> {
    for (const item of items) {
      if (!this.#hasRoom() && !(await this.#room(signal, false))) return false;
      if (item.reason !== undefined) this.#invalid(item);
      else if (this.#batcher === undefined) this.#start(item.value, 1);
      else this.#batcher.add(item.value);
      if (item.line > this.counters.lines) this.counters.lines = item.line;
    }
    return !signal.aborted;
  }

  #hasRoom(): boolean {
    const { processes } = this.#options.context;
    return !processes.paused && processes.admitting && this.#inFlight + this.#held.length < this.#options.concurrency;
  }

  /**
   * Waits for a process to end (or a pause to change); `idle` waits for that even when there is
   * room. False when the source stops: aborted, or the runtime no longer admits work.
   */
  async #room(signal: AbortSignal, idle: boolean): Promise<boolean> {
    const { processes } = this.#options.context;
    while (!signal.aborted && processes.admitting && (idle || !this.#hasRoom())) {
      await new Promise<void>((resolve) => (this.#wake = resolve));
      this.#wake = undefined;
      if (idle) break;
    }
    return !signal.aborted && processes.admitting;
  }

  /** A batch is ready: it starts now if there is room, else once a process ends. */
  #hold(items: unknown[]): void {
    this.#held.push(items);
    this.#startHeld();
  }

  #startHeld(): void {
    const { processes } = this.#options.context;
    while (this.#held.length > 0 && !processes.paused && processes.admitting && this.#inFlight < this.#options.concurrency) {
      const items = this.#held.shift()!;
      this.#start(items, items.length);
    }
  }

  #start(payload: unknown, records: number): void {
    this.counters.records += records;
    this.counters.processes++;
    this.#run1(new Packet(payload), true);
  }

  /** A line that cannot be parsed: a process of its own sends it to `error`. */
  #invalid(item: Extract<FileItem, { reason: string }>): void {
    this.counters.errors++;
    const { path, format } = this.#options;
    const error = new WeftError('ERR_FILE_RECORD_INVALID', { path, line: item.line, format, reason: item.reason }, { details: { path, line: item.line, text: item.text } });
    if (this.errorPort.links.length === 0 && this.counters.errors <= 10) this.#logger.warn({ err: error }, 'a line cannot be read and error is not linked');
    this.#run1(new Packet(error), false);
  }

  /** Runs one root process: to `out` (then `error` for an error reply) or, for an error packet, to `error`. */
  #run1(packet: Packet, counted: boolean): void {
    const process = this.#options.context.processes.spawn();
    this.#inFlight++;
    let reply;
    try {
      reply = this.emit(process, packet);
    } catch (thrown) {
      reply = new Packet(toWeftError(thrown));
    }
    if (reply instanceof Packet) this.#settle(process, reply, counted);
    else reply.then((settled) => this.#settle(process, settled, counted), (reason: unknown) => this.#settle(process, new Packet(toWeftError(reason)), counted));
  }

  #settle(process: Process, reply: Packet, counted: boolean): void {
    this.#inFlight--;
    const error = reply.payload instanceof Error ? toWeftError(reply.payload) : undefined;
    if (error !== undefined && counted) {
      // The first failures are logged; all are counted (and sent with `done`).
      if (++this.counters.failed <= 10) this.#logger.warn({ err: error }, 'a record failed');
    }
    void process.finish(error);
    this.#startHeld();
    this.#wake?.();
  }

  #sendDone(): void {
    const payload = { path: this.#options.path, ...this.counters, ms: Math.round(performance.now() - this.#startedAt) };
    this.#logger.info(payload, 'file read to its end');
    if (this.donePort.links.length === 0) return;
    const process = this.#options.context.processes.spawn();
    let reply;
    try {
      reply = this.donePort.write(process, new Packet(payload));
    } catch (thrown) {
      reply = new Packet(toWeftError(thrown));
    }
    void Promise.resolve(reply).then((settled) => {
      const error = settled.payload instanceof Error ? toWeftError(settled.payload) : undefined;
      if (error !== undefined) this.#logger.warn({ err: error }, 'the done workflow failed');
      return process.finish(error);
    }, (reason: unknown) => process.finish(toWeftError(reason)));
  }
}

/** The engine's standard input in chunks, until it ends or `signal` aborts. */
async function* stdinChunks(signal: AbortSignal): AsyncGenerator<FileChunk> {
  for await (const chunk of stdin.iterator({ destroyOnReturn: false })) {
    if (signal.aborted) return;
    yield chunk as Buffer;
  }
}
