import { WeftError, type CodecContext, type ProcessGroup } from '../../src/index.ts';
import { BrokerPool } from './brokers/broker-pool.ts';
import type { QueueDepth } from './brokers/broker.ts';

/** Counts of one consumer spec, kept across reloads of it (a replacement goes on counting). */
export interface ConsumerCounters {
  acked: number;
  /** Failed attempts given back for a retry. */
  nacked: number;
  deadLettered: number;
  /** Messages that exhausted their retries (or did not decode) with no `deadLetter` to go to. */
  dropped: number;
}

/** A consumer node as the stats see it. */
export interface StatsSource {
  readonly specId: string;
  readonly name: string;
  readonly url: string;
  readonly queue: string;
  readonly group: string;
  readonly state: string;
  readonly inFlight: number;
  depth(): Promise<QueueDepth>;
}

/** One row of `queues.stats`. */
export interface ConsumerStats extends ConsumerCounters {
  readonly name: string;
  readonly url: string;
  readonly queue: string;
  readonly group: string;
  readonly state: string;
  /** Messages waiting in the broker (absent where the broker cannot tell). */
  readonly pending?: number;
  readonly inFlight: number;
}

/** How long `queues.stats` waits for a broker to tell a queue's depth. */
const DEPTH_TIMEOUT_MS = 1000;

/**
 * What the queue kinds share within one runtime: the broker connections (one per URL) and the
 * consumers with their counters, for the `queues.stats` system call.
 */
export class QueueRuntime {
  readonly pool = new BrokerPool();
  readonly #namespace: string;
  readonly #sources = new Set<StatsSource>();
  readonly #counters = new Map<string, ConsumerCounters>();

  constructor(namespace: string) {
    this.#namespace = namespace;
  }

  /** The counters of a consumer spec, the same object for every node compiled from it. */
  counters(specId: string): ConsumerCounters {
    let counters = this.#counters.get(specId);
    if (counters === undefined) this.#counters.set(specId, (counters = { acked: 0, nacked: 0, deadLettered: 0, dropped: 0 }));
    return counters;
  }

  register(source: StatsSource): void {
    this.#sources.add(source);
  }

  unregister(source: StatsSource): void {
    this.#sources.delete(source);
  }

  /**
   * The stats of every consumer (or of the one named), by spec: a spec being reloaded counts
   * the in-flight messages of its old and new node, and shows the state of the newest.
   */
  async stats(name?: string): Promise<ConsumerStats[]> {
    const bySpec = new Map<string, StatsSource[]>();
    for (const source of this.#sources) {
      if (name !== undefined && source.name !== name) continue;
      const list = bySpec.get(source.specId) ?? [];
      list.push(source);
      bySpec.set(source.specId, list);
    }
    if (name !== undefined && bySpec.size === 0) throw new WeftError('ERR_CONSUMER_NOT_FOUND', { name, namespace: this.#namespace });
    return await Promise.all([...bySpec].map(async ([specId, sources]) => {
      const newest = sources.at(-1)!;
      const depth = await withTimeout(newest.depth(), DEPTH_TIMEOUT_MS);
      const inFlight = sources.reduce((sum, source) => sum + source.inFlight, 0);
      const { url, queue, group, state } = newest;
      return { name: newest.name, url, queue, group, state, ...(depth?.pending === undefined ? {} : { pending: depth.pending }), inFlight, ...this.counters(specId) };
    }));
  }
}

const runtimes = new WeakMap<ProcessGroup, QueueRuntime>();

/**
 * The QueueRuntime of a codec context. Keyed by the runtime's process group, which every
 * context of one runtime shares and which lives exactly as long as the runtime: per-runtime
 * state without a global registry and without a kernel slot for it.
 */
export function queueRuntime(context: CodecContext): QueueRuntime {
  let found = runtimes.get(context.processes);
  if (found === undefined) runtimes.set(context.processes, (found = new QueueRuntime(context.namespace)));
  return found;
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
  try {
    return await Promise.race([promise.catch(() => undefined), late]);
  } finally {
    clearTimeout(timer);
  }
}
