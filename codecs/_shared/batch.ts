import { Type } from '@sinclair/typebox';
import type { Problem } from '../../src/index.ts';
import { delayProblem } from './abortable-delay.ts';
import { durationMs, durationSchema } from './duration.ts';

/** The largest batch a spec may ask for. */
export const MAX_BATCH_SIZE = 100_000;

/** The `batch: {size, window}` field shared by the file source, the consumer and the accumulator. */
export const batchSchema = Type.Object({
  size: Type.Integer({ minimum: 1, maximum: MAX_BATCH_SIZE, description: 'The most items in one batch; a full batch goes at once.' }),
  window: Type.Optional(durationSchema('The longest the first item of a batch waits for the batch to fill (default: no limit, a partial batch goes at the end or close).')),
}, { additionalProperties: false, description: 'Groups items into arrays: one process gets an array of at most size items.' });

/** A batch spec with its window in milliseconds (undefined: no window). */
export interface BatchOptions {
  readonly size: number;
  readonly windowMs?: number;
}

/** The options of a `batch` spec field, or undefined when there is none. */
export function batchOptions(spec: { size: number; window?: string | number } | undefined): BatchOptions | undefined {
  if (spec === undefined) return undefined;
  return spec.window === undefined ? { size: spec.size } : { size: spec.size, windowMs: durationMs(spec.window) };
}

/** The problems of a `batch` field at `path` beyond its schema (a window too long for a timer, or 0). */
export function batchProblems(path: string, spec: { window?: string | number } | undefined): Problem[] {
  if (spec?.window === undefined) return [];
  if (durationMs(spec.window) < 1) return [{ path: `${path}.window`, code: 'ERR_SPEC_INVALID', message: 'must be at least 1ms' }];
  const problem = delayProblem(`${path}.window`, spec.window);
  return problem === undefined ? [] : [problem];
}

/**
 * Collects items into arrays of at most `size` and hands each to `flush`: when it is full, or
 * `windowMs` after the first item of a partial batch arrived, or on `flush()`. One timer per
 * partial batch, never per item. `close` drops the timer (the caller flushes first if it wants).
 */
export class Batcher<T> {
  readonly #options: BatchOptions;
  readonly #flush: (items: T[]) => void;
  #items: T[] = [];
  #timer: NodeJS.Timeout | undefined;

  constructor(options: BatchOptions, flush: (items: T[]) => void) {
    this.#options = options;
    this.#flush = flush;
  }

  /** How many items wait in the partial batch. */
  get pending(): number {
    return this.#items.length;
  }

  /** Adds an item; flushes when the batch is full, starts the window timer on a first item. */
  add(item: T): void {
    this.#items.push(item);
    if (this.#items.length >= this.#options.size) this.flush();
    else if (this.#items.length === 1 && this.#options.windowMs !== undefined) {
      this.#timer = setTimeout(() => this.flush(), this.#options.windowMs);
    }
  }

  /** Hands the partial batch to `flush` now (nothing when it is empty). */
  flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#items.length === 0) return;
    const items = this.#items;
    this.#items = [];
    this.#flush(items);
  }

  /** Stops the window timer; items still pending are returned, not flushed. */
  close(): T[] {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const items = this.#items;
    this.#items = [];
    return items;
  }
}
