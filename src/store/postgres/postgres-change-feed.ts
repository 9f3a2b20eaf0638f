import { toEvent, wanted } from '../change-feed.ts';
import { ChangeQueue } from '../change-queue.ts';
import type { ChangeEvent, ChangeStream, SpecFilter, WatchOptions } from '../spec-store.ts';
import { describeFailure } from './pg-error.ts';
import type { PostgresChangeLog } from './postgres-change-log.ts';
import type { PostgresListener } from './postgres-listener.ts';
import type { Queryable } from './queryable.ts';
import { reconnectDelay } from './reconnect-delay.ts';
import type { StoreLogger } from './store-logger.ts';

interface Watcher {
  readonly filter: SpecFilter;
  readonly values: boolean;
  readonly queue: ChangeQueue;
  /** The seq of the last change this stream has seen (or skipped). */
  cursor: number;
  /** False until `ready`: a stream gets events only once its cursor is placed. */
  subscribed: boolean;
}

const PAGE_SIZE = 500;

/** Options of a PostgresChangeFeed. */
export interface PostgresChangeFeedOptions {
  readonly db: Queryable;
  readonly log: PostgresChangeLog;
  readonly listener: PostgresListener;
  readonly logger: StoreLogger;
  readonly url: string;
}

/**
 * The change feed of a PostgresStore: each stream keeps a cursor into the change log (its
 * token is the seq) and every wake-up — a NOTIFY, a write of this store, a reconnect — reads
 * each stream's log pages after its cursor, one pump at a time, in seq order. So the log, not
 * the notification, carries the changes: a NOTIFY lost with a dropped connection costs
 * nothing, the reconnect replays from the cursors. A stream whose position was pruned, or
 * whose token the log does not know, gets one `reset` and continues from the head.
 */
export class PostgresChangeFeed {
  readonly #options: PostgresChangeFeedOptions;
  readonly #watchers = new Set<Watcher>();
  readonly #subscribing = new Set<Promise<void>>();
  #queued: Promise<void> | undefined;
  #chain: Promise<void> = Promise.resolve();
  #failures = 0;
  #warned = false;
  #retry: NodeJS.Timeout | undefined;
  #readers = 0;
  #closed = false;

  constructor(options: PostgresChangeFeedOptions) {
    this.#options = options;
  }

  /** Opens a stream; `ready` resolves once LISTEN is active and its cursor is placed (rejects with ERR_STORE_UNAVAILABLE when that fails). */
  watch(filter: SpecFilter, options: WatchOptions): ChangeStream {
    let settle!: { resolve: () => void; reject: (error: unknown) => void };
    const ready = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
    ready.catch(() => {}); // a caller that never awaits ready must not meet an unhandled rejection
    const queue: ChangeQueue = new ChangeQueue({
      ready,
      onClose: () => this.#watchers.delete(watcher),
      onReading: (reading) => this.#reading(reading),
    });
    const watcher: Watcher = { filter: { ...filter }, values: options.values === true, queue, cursor: 0, subscribed: false };
    this.#watchers.add(watcher);
    const subscribing = this.#subscribe(watcher, options.after).then(settle.resolve, (error: unknown) => {
      queue.fail(error);
      settle.reject(error);
    });
    this.#subscribing.add(subscribing);
    void subscribing.finally(() => this.#subscribing.delete(subscribing));
    return queue;
  }

  /**
   * Resolves once every stream opened so far is subscribed (or failed to). The store awaits it
   * before a write, so a write it makes after `watch()` returned always reaches that stream.
   */
  async subscribed(): Promise<void> {
    await Promise.all([...this.#subscribing]);
  }

  /** Reads the log for every stream; resolves when a pump that started after this call has run. */
  wake(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    if (this.#queued === undefined) {
      this.#queued = this.#chain.then(() => {
        this.#queued = undefined;
        return this.#pump();
      });
      this.#chain = this.#queued;
    }
    return this.#queued;
  }

  /** A NOTIFY of a commit logged up to `seq`: pump unless every stream is already past it (e.g. our own write). */
  notified(payload: string): void {
    const seq = Number(payload);
    const behind = [...this.#watchers].some((watcher) => watcher.subscribed && !(watcher.cursor >= seq));
    if (behind) void this.wake();
  }

  /** Ends every stream and waits for a pump in progress. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retry);
    await Promise.all([...this.#watchers].map((watcher) => watcher.queue.close()));
    await this.#chain;
  }

  async #subscribe(watcher: Watcher, after: string | undefined): Promise<void> {
    await this.#options.listener.listening();
    const { head, prunedThrough } = await this.#options.log.position(this.#options.db);
    watcher.cursor = head;
    if (after !== undefined) {
      const seq = /^\d{1,15}$/.test(after) ? Number(after) : undefined;
      if (seq === undefined || seq > head || seq < prunedThrough) this.#reset(watcher, head);
      else watcher.cursor = seq;
    }
    watcher.subscribed = true;
    // A NOTIFY that came while the cursor was being placed skipped this stream: read once now.
    void this.wake();
  }

  async #pump(): Promise<void> {
    try {
      for (const watcher of [...this.#watchers]) if (watcher.subscribed) await this.#pumpOne(watcher);
      if (this.#warned) this.#options.logger.info({ store: this.#options.url, failures: this.#failures }, 'store change feed reads the change log again');
      this.#failures = 0;
      this.#warned = false;
    } catch (thrown) {
      this.#failed(thrown);
    }
  }

  /**
   * Reads the stream's pages up to the head and only then pushes their events, in one
   * synchronous run: a page boundary can fall inside a commit, but the head of a snapshot never
   * does, so a reader's `takeBuffered` gets the rest of each commit. The cursor moves with the
   * push, so a read that fails halfway delivers nothing twice and loses nothing.
   */
  async #pumpOne(watcher: Watcher): Promise<void> {
    let cursor = watcher.cursor;
    let events: ChangeEvent[] = [];
    for (;;) {
      if (watcher.queue.closed || this.#closed) return;
      const page = await this.#options.log.read(this.#options.db, cursor, watcher.filter.namespace, PAGE_SIZE);
      if (watcher.queue.closed || this.#closed) return;
      if (cursor < page.prunedThrough) {
        // Reloading everything supersedes what was read before it.
        cursor = page.head;
        events = [resetEvent(watcher, page.head)];
        continue;
      }
      for (const change of page.changes) {
        cursor = change.seq;
        if (wanted(change, watcher.filter, watcher.values)) events.push(toEvent(change));
      }
      // A short page holds every change up to the head of its snapshot, even those of other namespaces.
      if (page.changes.length < PAGE_SIZE) {
        cursor = Math.max(cursor, page.head);
        break;
      }
    }
    for (const event of events) watcher.queue.push(event);
    watcher.cursor = cursor;
  }

  /** Reading the log failed: streams stay open, and the read is retried with backoff. */
  #failed(thrown: unknown): void {
    if (this.#closed) return;
    this.#failures += 1;
    // While the listener is down it has logged the outage, and its reconnect wakes the feed.
    if (this.#options.listener.state !== 'listening') return;
    if (!this.#warned) this.#options.logger.warn({ store: this.#options.url, reason: describeFailure(thrown) }, 'store change feed cannot read the change log; retrying');
    this.#warned = true;
    clearTimeout(this.#retry);
    this.#retry = setTimeout(() => void this.wake(), reconnectDelay(this.#failures));
    if (this.#readers === 0) this.#retry.unref();
  }

  #reset(watcher: Watcher, head: number): void {
    watcher.cursor = head;
    watcher.queue.push(resetEvent(watcher, head));
  }

  #reading(reading: boolean): void {
    this.#readers += reading ? 1 : -1;
    this.#options.listener.keepAlive(this.#readers > 0);
    if (this.#readers > 0) this.#retry?.ref();
    else this.#retry?.unref();
  }
}

/** The `reset` a stream gets when its position is no longer in the log: reload, then go on from `head`. */
function resetEvent(watcher: Watcher, head: number): ChangeEvent {
  return { op: 'reset', id: '', namespace: watcher.filter.namespace ?? '', token: String(head) };
}
