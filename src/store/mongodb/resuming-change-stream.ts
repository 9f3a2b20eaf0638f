import { WeftError } from '../../errors/index.ts';
import { ChangeQueue } from '../change-queue.ts';
import type { StoreLogger } from '../postgres/store-logger.ts';
import type { ChangeEvent, ChangeStream, SpecFilter } from '../spec-store.ts';
import type { ChangeCursor, ChangeSource } from './change-source.ts';
import { describeFailure, FeedOutage } from './feed-outage.ts';
import { formatToken, parseToken, type ResumeToken } from './resume-token.ts';
import { streamErrorKind } from './stream-error-kind.ts';
import { translateChange } from './translate-change.ts';

/** How long a ResumingChangeStream waits between attempts to reopen a broken stream. */
export interface ReconnectBackoff {
  /** The first wait, in milliseconds (default 100); it doubles per failed attempt… */
  readonly initialMs?: number;
  /** …up to this (default 10,000), with jitter in [50%, 100%]. */
  readonly maxMs?: number;
}

/** Options of a ResumingChangeStream. */
export interface ResumingChangeStreamOptions {
  readonly source: ChangeSource;
  readonly filter?: SpecFilter;
  /** A token of an earlier event: deliver what came after it. */
  readonly after?: string;
  readonly reconnect?: ReconnectBackoff;
  /** Hears outages (warn), their end (info) and resets (warn); silent when omitted. */
  readonly logger?: StoreLogger;
  /** The store URL the log lines name. */
  readonly url?: string;
  /** Called once when the stream ends, by its reader, its store or a fatal error. */
  readonly onClose?: () => void;
}

/** The server closed the cursor without an error; reopening from the last position continues. */
class CursorEnded extends Error {}

/**
 * A ChangeStream over MongoDB change streams that outlives connection trouble. It remembers the
 * position after the last change (or empty batch) and, when the driver gives up resuming by
 * itself, reopens after that position with backoff until it works or the stream is closed.
 * When the server can no longer continue from the position (history lost, unknown token, a
 * missing pre-image) it reopens from now and emits one `reset`: the reader reloads everything.
 * After a drop or rename it emits `reset` and reopens with `startAfter` the invalidate event.
 * A cursor that breaks for any other reason is reopened the same way; only a refused open
 * (or any failure before the first open: fail fast at start) ends the stream with
 * ERR_STORE_UNAVAILABLE, and `ready` rejects with it. `ready` resolves once the first cursor is
 * open on the server.
 */
export class ResumingChangeStream implements ChangeStream {
  readonly ready: Promise<void>;
  readonly #source: ChangeSource;
  readonly #filter: SpecFilter;
  readonly #queue: ChangeQueue;
  readonly #backoff: Required<ReconnectBackoff>;
  readonly #onClose: (() => void) | undefined;
  readonly #outage: FeedOutage;
  #settle!: { resolve: () => void; reject: (error: unknown) => void };
  #cursor: ChangeCursor | undefined;
  #position: ResumeToken | undefined;
  /** True while the position is the caller's token, not yet accepted by the server. */
  #givenPosition = false;
  #needsReset = false;
  #opened = false;
  #closed = false;
  #closing: Promise<void> = Promise.resolve();
  #wake: (() => void) | undefined;
  /** The events read from the current server batch, pushed together once it is read through. */
  #batch: ChangeEvent[] = [];

  constructor(options: ResumingChangeStreamOptions) {
    this.#source = options.source;
    this.#filter = { ...options.filter };
    this.#backoff = { initialMs: options.reconnect?.initialMs ?? 100, maxMs: options.reconnect?.maxMs ?? 10_000 };
    this.#onClose = options.onClose;
    this.#outage = new FeedOutage({ logger: options.logger, url: options.url });
    this.ready = new Promise<void>((resolve, reject) => (this.#settle = { resolve, reject }));
    this.ready.catch(() => {});
    if (options.after !== undefined) {
      this.#position = parseToken(options.after);
      this.#givenPosition = this.#position !== undefined;
      this.#needsReset = this.#position === undefined;
    }
    this.#queue = new ChangeQueue({ ready: this.ready, onClose: () => this.#stop() });
    void this.#run();
  }

  [Symbol.asyncIterator](): AsyncIterator<ChangeEvent> {
    return this.#queue[Symbol.asyncIterator]();
  }

  /** Takes the events delivered and not yet read: the rest of the server batch (so of the commit) of the event just read. */
  takeBuffered(): ChangeEvent[] {
    return this.#queue.takeBuffered();
  }

  /** Ends the iteration and closes the server-side cursor (idempotent). */
  async close(): Promise<void> {
    await this.#queue.close();
    await this.#closing;
  }

  async #run(): Promise<void> {
    let failures = 0;
    while (!this.#closed) {
      try {
        if (this.#cursor === undefined) {
          await this.#open();
        } else {
          await this.#read(this.#cursor);
          failures = 0;
        }
      } catch (thrown) {
        if (this.#closed) return;
        if (!(await this.#recover(thrown, ++failures))) return;
      }
    }
  }

  /** Opens a cursor after the position (or from now when resetting), then emits a pending reset. */
  async #open(): Promise<void> {
    const from = this.#needsReset ? undefined : this.#position;
    const cursor = await this.#source.open(from === undefined ? {} : { startAfter: from });
    if (this.#closed) {
      await cursor.close().catch(() => {});
      return;
    }
    this.#cursor = cursor;
    this.#givenPosition = false;
    this.#position = cursor.resumeToken ?? from;
    if (this.#needsReset) {
      this.#needsReset = false;
      const token = this.#position === undefined ? '' : formatToken(this.#position);
      this.#queue.push({ op: 'reset', id: '', namespace: this.#filter.namespace ?? '', token });
    }
    this.#opened = true;
    this.#outage.over();
    this.#settle.resolve();
  }

  /**
   * Reads one change or empty batch, moving the position past it. The events of a server batch
   * are pushed together once the batch is read through: a transaction's events normally come
   * in one batch (unless they exceed its size), so a reader gets the rest of a commit with
   * `takeBuffered`, as from the log-based stores.
   */
  async #read(cursor: ChangeCursor): Promise<void> {
    const change = await cursor.next();
    if (this.#closed) return;
    if (change === undefined) {
      this.#flush();
      if (cursor.ended) throw new CursorEnded('the server closed the change stream');
      this.#position = cursor.resumeToken ?? this.#position;
      return;
    }
    const result = translateChange(change, this.#filter);
    this.#position = result === 'invalidate' ? change._id : (cursor.resumeToken ?? change._id);
    if (result !== undefined && result !== 'invalidate') this.#batch.push(result);
    if (result === 'invalidate' || cursor.buffered === 0) this.#flush();
    if (result === 'invalidate') await this.#dropCursor();
  }

  /** Pushes the events read so far (the position is already past them). */
  #flush(): void {
    const batch = this.#batch;
    this.#batch = [];
    for (const event of batch) this.#queue.push(event);
  }

  /** Decides what a failure means; false when the stream has ended. */
  async #recover(thrown: unknown, failures: number): Promise<boolean> {
    const wasOpening = this.#cursor === undefined;
    const openedFromNow = wasOpening && (this.#needsReset || this.#position === undefined);
    const kind = thrown instanceof CursorEnded ? 'transient' : streamErrorKind(thrown, this.#givenPosition);
    this.#flush();
    await this.#dropCursor();
    if (kind === 'position' && !openedFromNow) {
      this.#outage.positionLost(thrown);
      this.#needsReset = true;
      this.#givenPosition = false;
      if (failures > 1) await this.#sleep(this.#delay(failures - 1));
      return !this.#closed;
    }
    // A reading cursor that fails for an unknown reason (an admin killed it, a role changed…) is
    // reopened too: only a refused open tells that opening again would fail the same way.
    if (this.#opened && (kind === 'transient' || !wasOpening)) {
      this.#outage.failed(thrown);
      if (this.#position === undefined) this.#needsReset = true;
      await this.#sleep(this.#delay(failures));
      return !this.#closed;
    }
    const error = new WeftError('ERR_STORE_UNAVAILABLE', { reason: `the MongoDB change stream failed: ${describeFailure(thrown)}` }, { cause: thrown });
    this.#settle.reject(error);
    this.#queue.fail(error);
    return false;
  }

  #stop(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#wake?.();
    this.#closing = this.#dropCursor();
    this.#settle.resolve();
    this.#onClose?.();
  }

  async #dropCursor(): Promise<void> {
    const cursor = this.#cursor;
    this.#cursor = undefined;
    await cursor?.close().catch(() => {});
  }

  #delay(attempt: number): number {
    const full = Math.min(this.#backoff.maxMs, this.#backoff.initialMs * 2 ** Math.min(attempt - 1, 30));
    return full * (0.5 + Math.random() / 2);
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(), ms);
      this.#wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

