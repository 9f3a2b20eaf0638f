import type { StoredSpec } from '../spec/index.ts';
import { ChangeQueue } from './change-queue.ts';
import { matchFilter } from './match-filter.ts';
import type { ChangeEvent, ChangeStream, SpecFilter, WatchOptions } from './spec-store.ts';
import type { ValueChange } from './value-store.ts';

/** One spec entry of a store's change log, numbered by `seq` (1, 2, 3… in commit order). */
export interface LoggedSpecChange {
  readonly seq: number;
  readonly op: 'insert' | 'update' | 'delete';
  readonly id: string;
  readonly namespace: string;
  /** After an insert or update, before a delete; a copy the feed may hand out. */
  readonly spec: StoredSpec;
}

/** One value entry of a store's change log: the value's identity, never its data. */
export interface LoggedValueChange {
  readonly seq: number;
  readonly op: 'value';
  readonly id: string;
  readonly namespace: string;
  readonly value: ValueChange;
}

/** One entry of a store's change log. */
export type LoggedChange = LoggedSpecChange | LoggedValueChange;

/** A page of the change log, read in one consistent snapshot. */
export interface ChangePage {
  /** The seq of the last change ever logged (0 when none). */
  readonly head: number;
  /** Changes up to this seq were pruned from the log. */
  readonly prunedThrough: number;
  /** Up to `limit` changes after the asked seq, oldest first. */
  readonly changes: readonly LoggedChange[];
}

/** Where a ChangeFeed reads a store's change log. */
export interface ChangeSource {
  read(after: number, namespace: string | undefined, limit: number): ChangePage;
}

interface Watcher {
  readonly filter: SpecFilter;
  readonly values: boolean;
  readonly queue: ChangeQueue;
  cursor: number;
  /** True while a backlog of several pages is being read (in slices); it reads to the head. */
  reading: boolean;
}

const PAGE_SIZE = 500;

/**
 * The change feed of a store whose change log numbers its entries (memory, SQLite): each
 * watcher keeps a cursor (its token is the seq) and `pump` moves every cursor to the head of
 * the log, pushing matching events in seq order. A watcher whose position was pruned, or whose
 * token the log does not know, gets one `reset` event and continues from the head.
 */
export class ChangeFeed {
  readonly #source: ChangeSource;
  readonly #watchers = new Set<Watcher>();
  readonly #onReaders: ((count: number) => void) | undefined;
  #readers = 0;

  /** `onReaders` hears how many streams have a reader waiting for an event, on each change. */
  constructor(options: { source: ChangeSource; onReaders?: (count: number) => void }) {
    this.#source = options.source;
    this.#onReaders = options.onReaders;
  }

  /** How many streams are open. */
  get size(): number {
    return this.#watchers.size;
  }

  /** How many open streams have a reader waiting for an event. */
  get readers(): number {
    return this.#readers;
  }

  /** Opens a stream from now, or from after `options.after`, and replays what it missed. */
  watch(filter: SpecFilter = {}, options: WatchOptions = {}): ChangeStream {
    const { head, prunedThrough } = this.#source.read(0, undefined, 0);
    const queue = new ChangeQueue({
      onClose: () => this.#watchers.delete(watcher),
      onReading: (reading) => {
        this.#readers += reading ? 1 : -1;
        this.#onReaders?.(this.#readers);
      },
    });
    const watcher: Watcher = { filter: { ...filter }, values: options.values === true, cursor: head, queue, reading: false };
    if (options.after !== undefined) {
      const after = parseToken(options.after);
      if (after === undefined || after > head || after < prunedThrough) this.#reset(watcher, head);
      else watcher.cursor = after;
    }
    this.#watchers.add(watcher);
    this.#pumpOne(watcher);
    return watcher.queue;
  }

  /** Delivers every logged change the open streams have not seen yet. */
  pump(): void {
    for (const watcher of this.#watchers) this.#pumpOne(watcher);
  }

  /** Fails every open stream with `error` (the store can no longer read its log). */
  fail(error: unknown): void {
    for (const watcher of [...this.#watchers]) watcher.queue.fail(error);
  }

  /** Ends every open stream. */
  async close(): Promise<void> {
    await Promise.all([...this.#watchers].map((watcher) => watcher.queue.close()));
  }

  /**
   * Moves a watcher to the head of the log. One page (the usual backlog) is pushed at once; a
   * longer backlog (a write of thousands of specs) is read page by page with a turn of the event
   * loop between pages, so parsing it does not stall the process, and pushed when the head is
   * reached: a reader still receives every commit whole (with `takeBuffered`).
   */
  #pumpOne(watcher: Watcher): void {
    if (watcher.reading || watcher.queue.closed) return;
    const page = this.#read(watcher);
    if (page === undefined) return;
    if (page.length < PAGE_SIZE) {
      this.#push(watcher, page);
      return;
    }
    watcher.reading = true;
    void this.#readBacklog(watcher, [...page]).finally(() => {
      watcher.reading = false;
      // Changes logged while the backlog was read (a write to a memory store pumps only once).
      this.#pumpOne(watcher);
    });
  }

  async #readBacklog(watcher: Watcher, backlog: LoggedChange[]): Promise<void> {
    for (;;) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (watcher.queue.closed) return;
      let page: readonly LoggedChange[] | undefined;
      try {
        page = this.#read(watcher, backlog.at(-1)?.seq);
      } catch (thrown) {
        watcher.queue.fail(thrown);
        return;
      }
      if (page === undefined) {
        backlog = [];
        continue;
      }
      backlog.push(...page);
      if (page.length < PAGE_SIZE) break;
    }
    this.#push(watcher, backlog);
  }

  /** The next page after `after` (default the cursor); undefined after a reset (the cursor moved to the head). */
  #read(watcher: Watcher, after = watcher.cursor): readonly LoggedChange[] | undefined {
    const page = this.#source.read(after, watcher.filter.namespace, PAGE_SIZE);
    if (after < page.prunedThrough) {
      this.#reset(watcher, page.head);
      return undefined;
    }
    return page.changes;
  }

  #push(watcher: Watcher, changes: readonly LoggedChange[]): void {
    for (const change of changes) {
      watcher.cursor = change.seq;
      if (wanted(change, watcher.filter, watcher.values)) watcher.queue.push(toEvent(change));
    }
  }

  #reset(watcher: Watcher, head: number): void {
    watcher.cursor = head;
    watcher.queue.push({ op: 'reset', id: '', namespace: watcher.filter.namespace ?? '', token: String(head) });
  }
}

/** True when a stream with this filter gets the change: a spec change matching it, or a value change of its namespace when it asked for values. */
export function wanted(change: LoggedChange, filter: SpecFilter, values: boolean): boolean {
  if (change.op !== 'value') return matchFilter(change.spec, filter);
  return values && (filter.namespace === undefined || filter.namespace === change.namespace);
}

/** The event a stream receives for a logged change. */
export function toEvent(change: LoggedChange): ChangeEvent {
  if (change.op === 'value') return { op: 'value', id: change.id, namespace: change.namespace, value: change.value, token: String(change.seq) };
  return { op: change.op, id: change.id, namespace: change.namespace, spec: change.spec, token: String(change.seq) };
}

function parseToken(token: string): number | undefined {
  if (!/^\d{1,15}$/.test(token)) return undefined;
  return Number(token);
}
