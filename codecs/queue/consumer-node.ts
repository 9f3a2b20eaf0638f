import {
  Packet, SourceNode, toWeftError, WeftError,
  type CodecContext, type Logger, type Node, type Process,
} from '../../src/index.ts';
import type { Span } from '@opentelemetry/api';
import { abortableDelay } from '../_shared/abortable-delay.ts';
import type { BatchOptions } from '../_shared/batch.ts';
import { endProcessSpan, withSpan } from '../_shared/trace/process-span.ts';
import type { BrokerLease } from './brokers/broker-pool.ts';
import type { Delivery, QueueDepth, Subscription } from './brokers/broker.ts';
import { redactUrl } from './brokers/open-broker.ts';
import { HEADER, messagePayload } from './message.ts';
import { startMessageSpan, type MessageSpanOwner } from './message-span.ts';
import { queueRuntime, type ConsumerCounters, type StatsSource } from './queue-runtime.ts';

/** How failed attempts are retried: `max` attempts in all, waits doubling from `delayMs` up to `maxDelayMs`. */
export interface RetryPolicy {
  readonly max: number;
  readonly delayMs: number;
  readonly maxDelayMs: number;
}

/** Options of a ConsumerNode (the spec's fields with their defaults filled in). */
export interface ConsumerOptions {
  readonly specId: string;
  readonly name: string;
  readonly url: string;
  readonly queue: string;
  readonly group: string;
  readonly concurrency: number;
  readonly prefetch: number;
  readonly retry: RetryPolicy;
  readonly deadLetter?: string;
  readonly redeliverAfterMs: number;
  /** One process per array of up to `size` messages (a partial one after `windowMs`); undefined: one per message. */
  readonly batch?: Required<BatchOptions>;
  readonly context: CodecContext;
}

/** The lifecycle states of a consumer, as `queues.stats` and the log show them. */
export type ConsumerState = 'idle' | 'connecting' | 'consuming' | 'reconnecting' | 'stopped' | 'closed';

interface InFlight {
  /** The message of the process, or the messages of its batch (settled together). */
  readonly deliveries: readonly Delivery[];
  readonly process: Process;
  settled: boolean;
  /** The message's consumer span, when tracing is on. */
  span?: Span;
}

/** The message header that carries a W3C `traceparent` from publisher to consumer. */
export const TRACEPARENT = 'traceparent';

/** Reconnection backoff: doubling from 200 ms to 30 s, with jitter. */
function reconnectDelay(failures: number): number {
  return Math.round(Math.min(30_000, 200 * 2 ** Math.min(failures - 1, 20)) * (0.5 + Math.random() * 0.5));
}

/**
 * Pulls messages from a broker and runs each as a root process whose payload goes to `out`
 * (`emit`): a reply that is not an error acks the message; an error nacks it for a retry after
 * the backoff, and the last failed attempt goes to the dead-letter queue (or is dropped and
 * logged when there is none). At most `concurrency` messages run at once; the consumer fetches
 * up to `prefetch` more ahead and stops pulling while it is full. With `batch`, a process gets an
 * array of up to `size` messages (at most `concurrency` such processes run): its success acks them
 * all, its failure nacks (retries or dead-letters) each of them; a malformed one is left out of
 * the array and dead-lettered on its own. `activate` starts pulling in
 * the background (an unreachable broker is retried with backoff, one log line per state
 * change); `deactivate` stops pulling; `close` gives back the messages still running.
 */
export class ConsumerNode extends SourceNode implements StatsSource {
  readonly specId: string;
  readonly name: string;
  readonly url: string;
  readonly queue: string;
  readonly group: string;
  readonly #options: ConsumerOptions;
  readonly #context: CodecContext;
  readonly #logger: Logger;
  readonly #lease: BrokerLease;
  readonly #counters: ConsumerCounters;
  readonly #spanOwner: MessageSpanOwner;
  readonly #inFlight = new Set<InFlight>();
  /** The messages of the processes in #inFlight. */
  #messages = 0;
  /** With batch: the window of the partial batch waiting is over, start it. */
  #batchDue = false;
  #batchTimer: NodeJS.Timeout | undefined;
  readonly #settling = new Set<Promise<void>>();
  #waiting: Delivery[] = [];
  #room: (() => void) | undefined;
  #state: ConsumerState = 'idle';
  /** Leaves the health registry (readiness: this consumer is connected). */
  #unregister: (() => void) | undefined;
  #stop: AbortController | undefined;
  #loop: Promise<void> | undefined;
  #subscription: Subscription | undefined;
  #replacing = false;

  constructor(options: ConsumerOptions) {
    super();
    this.#options = options;
    this.#context = options.context;
    ({ specId: this.specId, name: this.name, queue: this.queue, group: this.group } = options);
    this.url = redactUrl(options.url);
    this.#logger = options.context.logger.child({ kind: 'consumer', node: options.name, queue: options.queue });
    const runtime = queueRuntime(options.context);
    this.#lease = runtime.pool.acquire(options.url);
    this.#counters = runtime.counters(options.specId);
    this.#spanOwner = { namespace: options.context.namespace, node: options.name, system: options.url.slice(0, Math.max(0, options.url.indexOf(':'))), queue: options.queue };
  }

  get state(): ConsumerState {
    return this.#state;
  }

  /** The messages being processed now. */
  get inFlight(): number {
    return this.#messages;
  }

  /** The broker's count of waiting messages (for `queues.stats`). */
  async depth(): Promise<QueueDepth> {
    return await (await this.#lease.broker()).depth(this.queue, this.group);
  }

  /** A replacement of a consumer of the same queue and group leaves that one's unsettled messages to it. */
  adopt(previous: Node): void {
    if (previous instanceof ConsumerNode && previous.#options.url === this.#options.url && previous.queue === this.queue && previous.group === this.group) {
      this.#replacing = true;
    }
  }

  /** Starts pulling in the background (idempotent); never fails for an unreachable broker. */
  activate(): void {
    if (this.#state === 'closed') throw new WeftError('ERR_NODE_CLOSED', { node: `consumer ${this.name}` });
    if (this.#loop !== undefined) return;
    queueRuntime(this.#context).register(this);
    this.#unregister ??= this.#context.health?.register(`consumer ${this.#context.namespace}/${this.name}`, () =>
      this.#state === 'consuming' ? { ok: true } : { ok: false, reason: `consumer ${this.#state}` });
    const stop = (this.#stop = new AbortController());
    this.#loop = this.#run(stop.signal);
  }

  /** Stops pulling; messages fetched but not started are given back; those running go on. */
  async deactivate(): Promise<void> {
    this.#unregister?.();
    this.#unregister = undefined;
    const loop = this.#loop;
    if (loop === undefined) return;
    this.#stop!.abort();
    this.#room?.();
    await this.#subscription?.stop().catch(() => undefined);
    await loop;
    this.#loop = undefined;
    this.#release(this.#waiting.splice(0));
    if (this.#state !== 'closed') this.#setState('stopped');
  }

  /** Stops, gives back (for redelivery) the messages still running, and lets go of the broker. */
  async close(): Promise<void> {
    if (this.#state === 'closed') return;
    await this.deactivate();
    this.#setState('closed');
    for (const entry of this.#inFlight) {
      if (entry.settled) continue;
      entry.settled = true;
      for (const delivery of entry.deliveries) this.#track(entry, delivery, delivery.nack(0, false));
    }
    await Promise.all(this.#settling);
    queueRuntime(this.#context).unregister(this);
    await this.#lease.release();
  }

  async #run(signal: AbortSignal): Promise<void> {
    let failures = 0;
    this.#setState('connecting');
    while (!signal.aborted) {
      try {
        const broker = await this.#lease.broker();
        const subscription = await broker.subscribe({
          queue: this.queue,
          group: this.group,
          window: this.#options.concurrency + this.#options.prefetch,
          redeliverAfterMs: this.#options.redeliverAfterMs,
          replacing: this.#replacing,
        });
        this.#subscription = subscription;
        // A new subscription after an outage must not take back what this node still runs.
        this.#replacing = true;
        if (signal.aborted) break;
        failures = 0;
        this.#setState('consuming');
        await this.#pull(subscription, signal);
      } catch (thrown) {
        if (signal.aborted) break;
        failures++;
        this.#setState('reconnecting', thrown);
      }
      const subscription = this.#subscription;
      this.#subscription = undefined;
      await subscription?.stop().catch(() => undefined);
      this.#release(this.#waiting.splice(0));
      if (!signal.aborted) await abortableDelay(reconnectDelay(Math.max(failures, 1)), signal);
    }
    await this.#subscription?.stop().catch(() => undefined);
  }

  /**
   * Starts what it holds while there is room, and fetches as much as the window has free once
   * fewer messages wait than can run at once, with at most one fetch on its way: so the next batch
   * travels while the last ones of this batch run, a batch is as large as the window allows (a
   * round trip per window, not per message), and held + asked for never exceeds the window.
   */
  async #pull(subscription: Subscription, signal: AbortSignal): Promise<void> {
    const { concurrency, prefetch, batch } = this.#options;
    const size = batch?.size ?? 1;
    const processes = this.#context.processes;
    const window = concurrency * size + prefetch;
    let fetching: Promise<void> | undefined;
    let failure: { reason: unknown } | undefined;
    const fill = (): void => {
      for (;;) {
        // Paused: nothing more is fetched or started (the loop gives back what waits).
        if (processes.paused) return;
        if (fetching === undefined && !signal.aborted) {
          const free = window - this.#messages - this.#waiting.length;
          if (free > 0 && this.#waiting.length < concurrency * size) fetching = fetch(free);
        }
        if (this.#waiting.length === 0 || this.#inFlight.size >= concurrency || !this.#context.processes.admitting) return;
        if (batch !== undefined && this.#waiting.length < size && !this.#batchDue) {
          // A partial batch starts when its window is over (or once it fills up).
          this.#batchTimer ??= setTimeout(() => {
            this.#batchDue = true;
            this.#room?.();
          }, batch.windowMs);
          return;
        }
        this.#batchDue = false;
        clearTimeout(this.#batchTimer);
        this.#batchTimer = undefined;
        this.#start(this.#waiting.splice(0, size));
      }
    };
    const fetch = (want: number): Promise<void> => subscription.receive(want).then((batch) => {
      fetching = undefined;
      if (signal.aborted) this.#release(batch);
      else {
        for (const delivery of batch) this.#waiting.push(delivery);
        // Started here, not a turn later in the loop: a message starts as soon as it arrives.
        fill();
      }
      this.#room?.();
    }, (thrown: unknown) => {
      fetching = undefined;
      failure = { reason: thrown };
      this.#room?.();
    });
    const offPause = processes.onPauseChange(() => this.#room?.());
    try {
      while (!signal.aborted) {
        if (failure !== undefined) throw failure.reason;
        if (!this.#context.processes.admitting) {
          // The runtime is shutting down: hand back what was fetched and wait to be deactivated.
          await fetching;
          this.#release(this.#waiting.splice(0));
          await abortableDelay(2_147_483_647, signal);
          return;
        }
        if (processes.paused) {
          // Held messages go back to the broker (another engine may take them) until resumed.
          await fetching;
          this.#release(this.#waiting.splice(0));
          await resumedOrAborted(processes.whenResumed(), signal);
          continue;
        }
        fill();
        // Woken by a message settling (room), by a fetch coming back or by a pause.
        await new Promise<void>((resolve) => (this.#room = resolve));
        this.#room = undefined;
      }
    } finally {
      offPause();
      clearTimeout(this.#batchTimer);
      this.#batchTimer = undefined;
      this.#batchDue = false;
      await fetching;
    }
  }

  /** Runs one message, or a batch of them as one array; a malformed one runs (to its dead letter) on its own. */
  #start(deliveries: readonly Delivery[]): void {
    const good: Delivery[] = [];
    const payloads: unknown[] = [];
    for (const delivery of deliveries) {
      try {
        payloads.push(messagePayload(delivery, this.queue));
        good.push(delivery);
      } catch (thrown) {
        const entry: InFlight = { deliveries: [delivery], process: this.#context.processes.spawn(), settled: false };
        this.#inFlight.add(entry);
        this.#messages++;
        this.#settle(entry, new Packet(toWeftError(thrown)), true);
      }
    }
    if (good.length === 0) return;
    const process = this.#context.processes.spawn();
    const entry: InFlight = { deliveries: good, process, settled: false };
    this.#inFlight.add(entry);
    this.#messages += good.length;
    const packet = new Packet(this.#options.batch === undefined ? payloads[0] : payloads);
    // A batch's span continues the trace of its first message.
    const span = (entry.span = startMessageSpan(process, good[0]!, this.#spanOwner));
    let reply;
    try {
      reply = span === undefined ? this.emit(process, packet) : withSpan(span, () => this.emit(process, packet));
    } catch (thrown) {
      reply = new Packet(toWeftError(thrown));
    }
    if (reply instanceof Packet) this.#settle(entry, reply, false);
    else reply.then((settled) => this.#settle(entry, settled, false), (reason: unknown) => this.#settle(entry, new Packet(toWeftError(reason)), false));
  }

  /** Acks, retries, dead-letters or gives back a message by its reply; the first settlement wins. */
  #settle(entry: InFlight, reply: Packet, malformed: boolean): void {
    if (this.#inFlight.delete(entry)) this.#messages -= entry.deliveries.length;
    this.#room?.();
    if (entry.settled) return;
    entry.settled = true;
    const error = reply.payload instanceof Error ? toWeftError(reply.payload) : undefined;
    // A batch is settled as a whole: every message of it is acked, or each is retried (by its own attempt count).
    for (const delivery of entry.deliveries) {
      if (error === undefined) {
        this.#track(entry, delivery, delivery.ack(), error, 'acked');
      } else if (this.#state === 'closed' || !this.#context.processes.admitting) {
        this.#track(entry, delivery, delivery.nack(0, false), error);
      } else if (!malformed && delivery.attempt < this.#options.retry.max) {
        this.#track(entry, delivery, delivery.nack(this.#retryDelay(delivery.attempt), true), error, 'nacked');
      } else {
        this.#track(entry, delivery, this.#deadLetter(delivery, error, malformed), error);
      }
    }
  }

  /** Ends the message's process once it is settled (counted under `count` when that worked). One promise per message. */
  #track(entry: InFlight, delivery: Delivery, settling: Promise<void>, error?: Error, count?: 'acked' | 'nacked'): void {
    const done = (): void => {
      this.#settling.delete(tracked);
      if (entry.span !== undefined) endProcessSpan(entry.span, error, count === undefined ? undefined : { 'weft.outcome': count });
      entry.span = undefined;
      // Once per message; a batch's process ends with its first (finish is idempotent).
      void entry.process.finish(error);
    };
    const tracked = settling.then(() => {
      if (count !== undefined) this.#counters[count]++;
      done();
    }, (thrown: unknown) => {
      this.#logger.warn({ err: toWeftError(thrown), id: delivery.brokerId }, 'cannot settle a message: the broker will deliver it again');
      done();
    });
    this.#settling.add(tracked);
  }

  #retryDelay(attempt: number): number {
    const { delayMs, maxDelayMs } = this.#options.retry;
    return Math.min(maxDelayMs, delayMs * 2 ** Math.min(attempt - 1, 30));
  }

  /** Publishes a message that is out of attempts to the dead-letter queue with its error, then acks it. */
  async #deadLetter(delivery: Delivery, error: WeftError, malformed: boolean): Promise<void> {
    const target = this.#options.deadLetter;
    if (target === undefined) {
      this.#logger.error({ err: error, id: delivery.headers[HEADER.id] ?? delivery.brokerId, attempt: delivery.attempt }, 'message dropped: no attempts left and no deadLetter queue');
      await delivery.ack();
      this.#counters.dropped++;
      return;
    }
    const headers: Record<string, string> = {
      ...delivery.headers,
      [HEADER.errorCode]: error.code,
      [HEADER.errorMessage]: error.message,
      [HEADER.attempts]: String(delivery.attempt),
      [HEADER.origin]: this.queue,
    };
    delete headers[HEADER.attempt];
    if (malformed) {
      // The dead-letter consumer gets the bytes as they came; the type they claimed is kept aside.
      headers[HEADER.contentType] = 'application/octet-stream';
      const claimed = delivery.headers[HEADER.contentType];
      if (claimed !== undefined) headers[HEADER.claimedType] = claimed;
    }
    try {
      await (await this.#lease.broker()).publish(target, { body: delivery.body, headers });
    } catch (thrown) {
      // Not lost: it comes back (same attempt) and is dead-lettered again.
      this.#logger.warn({ err: toWeftError(thrown), deadLetter: target }, 'cannot publish to the dead-letter queue: the message is given back');
      await delivery.nack(this.#options.retry.delayMs, false);
      return;
    }
    await delivery.ack();
    this.#counters.deadLettered++;
  }

  /** Gives back messages fetched but never started. */
  #release(deliveries: readonly Delivery[]): void {
    for (const delivery of deliveries) {
      const releasing = delivery.nack(0, false).catch(() => undefined);
      this.#settling.add(releasing);
      void releasing.finally(() => this.#settling.delete(releasing));
    }
  }

  /** Logs a change of state once (not every reconnection attempt). */
  #setState(state: ConsumerState, cause?: unknown): void {
    if (state === this.#state) return;
    const previous = this.#state;
    this.#state = state;
    if (state === 'reconnecting') {
      const error = new WeftError('ERR_QUEUE_UNAVAILABLE', { url: this.url, reason: cause instanceof Error ? cause.message : String(cause) });
      this.#logger.warn({ err: error, url: this.url }, 'queue broker unavailable: retrying with backoff');
    } else if (state === 'consuming') {
      this.#logger.info({ url: this.url }, previous === 'reconnecting' ? 'queue broker reachable again: consuming' : 'consuming');
    } else {
      this.#logger.debug({ url: this.url, state }, `consumer ${state}`);
    }
  }
}

/** Resolves when `resumed` does or `signal` aborts, whichever is first (no listener left behind). */
function resumedOrAborted(resumed: Promise<void>, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      signal.removeEventListener('abort', done);
      resolve();
    };
    signal.addEventListener('abort', done, { once: true });
    void resumed.then(done);
  });
}
