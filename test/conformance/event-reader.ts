import type { ChangeEvent, ChangeStream } from '../../src/store/index.ts';

/** Reads a ChangeStream with a deadline on every wait, keeping one iterator across calls. */
export interface EventReader {
  /** The next event; rejects when none arrives within `timeoutMs` or the stream ends. */
  next(timeoutMs?: number): Promise<ChangeEvent>;
  /** The next `count` events, all within `timeoutMs`. */
  take(count: number, timeoutMs?: number): Promise<ChangeEvent[]>;
  /** Whatever arrives within `ms` (a test that expects silence asserts it is empty). */
  quiet(ms?: number): Promise<ChangeEvent[]>;
  /** True when the iteration ends within `timeoutMs`, false when an event or nothing comes instead. */
  ended(timeoutMs?: number): Promise<boolean>;
}

type Pulled = IteratorResult<ChangeEvent> | 'timeout';

/** An EventReader over `stream`. */
export function eventReader(stream: ChangeStream): EventReader {
  const iterator = stream[Symbol.asyncIterator]();
  let pending: Promise<IteratorResult<ChangeEvent>> | undefined;
  const pull = async (ms: number): Promise<Pulled> => {
    pending ??= iterator.next();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), Math.max(0, ms))));
    try {
      const result = await Promise.race([pending, timeout]);
      if (result !== 'timeout') pending = undefined;
      return result;
    } finally {
      clearTimeout(timer);
    }
  };
  const next = async (timeoutMs = 2000): Promise<ChangeEvent> => {
    const result = await pull(timeoutMs);
    if (result === 'timeout') throw new Error(`no change event within ${timeoutMs} ms`);
    if (result.done === true) throw new Error('the change stream ended');
    return result.value;
  };
  return {
    next,
    async take(count, timeoutMs = 2000) {
      const deadline = Date.now() + timeoutMs;
      const events: ChangeEvent[] = [];
      while (events.length < count) events.push(await next(Math.max(1, deadline - Date.now())));
      return events;
    },
    async quiet(ms = 150) {
      const deadline = Date.now() + ms;
      const events: ChangeEvent[] = [];
      for (;;) {
        const result = await pull(deadline - Date.now());
        if (result === 'timeout' || result.done === true) return events;
        events.push(result.value);
      }
    },
    async ended(timeoutMs = 2000) {
      const result = await pull(timeoutMs);
      return result !== 'timeout' && result.done === true;
    },
  };
}

/** Resolves `promise`, or rejects naming `what` when it takes longer than `ms`. */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms)));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
