import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { pid } from 'node:process';
import {
  Packet, SourceNode, toWeftError, WeftError,
  type CodecContext, type LeaseTable, type Logger, type Node,
} from '../../../src/index.ts';
import { abortableDelay, MAX_DELAY_MS } from '../../_shared/abortable-delay.ts';
import { localLeases } from './local-leases.ts';
import type { TickClock } from './tick-clock.ts';
import { endProcessSpan, startProcessSpan, withSpan } from '../../_shared/trace/process-span.ts';

/** The most missed ticks a `catchUp: true` schedule replays when it becomes the leader. */
export const MAX_CATCH_UP = 100;

/** Options of a ScheduleNode (the spec's fields with their defaults filled in). */
export interface ScheduleOptions {
  readonly name: string;
  readonly clock: TickClock;
  readonly overlap: boolean;
  readonly leader: boolean;
  readonly leaseMs: number;
  readonly catchUp: boolean;
  readonly data?: unknown;
  readonly context: CodecContext;
}

/** What a schedule did since it was built, for tests and the log. */
export interface ScheduleCounters {
  fired: number;
  skipped: number;
  failed: number;
  replayed: number;
}

/** The lifecycle states of a schedule. `following`: a leader schedule another engine leads. */
export type ScheduleState = 'idle' | 'leading' | 'following' | 'ticking' | 'stopped' | 'closed';

/** The lease data a leader keeps: the last tick it fired or skipped (ISO time). */
interface LeaseRecord {
  readonly last?: string;
}

/**
 * Fires a root process at each tick of its clock, sending `{tick, scheduled, schedule, data?}`
 * to `out`. With `leader`, it fires only while it holds the store lease
 * `schedule:<namespace>/<name>` and records each tick in the lease before firing it, so engines
 * that take over never fire it again. Without `overlap`, a tick that comes while the previous
 * tick's process still runs is skipped. `activate` starts the timer loop, `deactivate` stops
 * it and gives the lease back; running ticks finish on their own.
 */
export class ScheduleNode extends SourceNode {
  readonly name: string;
  /** The lease key: `schedule:<namespace>/<name>`. */
  readonly key: string;
  readonly counters: ScheduleCounters = { fired: 0, skipped: 0, failed: 0, replayed: 0 };
  readonly #options: ScheduleOptions;
  readonly #leases: LeaseTable;
  readonly #logger: Logger;
  #holder = `${hostname()}/${pid}/${randomUUID().slice(0, 8)}`;
  #running = new Set<Promise<void>>();
  /** The last tick fired or skipped; shared with a replacement (adopt) so that no tick fires twice. */
  #progress: { last?: number } = {};
  #leading = false;
  #renewAt = 0;
  #state: ScheduleState = 'idle';
  #storeFailing = false;
  #skipping = 0;
  #handedOver = false;
  #stop: AbortController | undefined;
  #loop: Promise<void> | undefined;

  constructor(options: ScheduleOptions) {
    super();
    this.#options = options;
    this.name = options.name;
    this.key = `schedule:${options.context.namespace}/${options.name}`;
    this.#leases = options.context.leases ?? localLeases();
    this.#logger = options.context.logger.child({ kind: 'schedule', node: options.name });
  }

  get state(): ScheduleState {
    return this.#state;
  }

  /** The scheduled time (epoch ms) of the last tick this node fired or skipped, or that the lease says was. */
  get last(): number | undefined {
    return this.#progress.last;
  }

  /** A replacement of the same schedule takes its lease holder, last tick and running ticks; the old one stops firing at once. */
  adopt(previous: Node): void {
    if (!(previous instanceof ScheduleNode) || previous.key !== this.key) return;
    this.#holder = previous.#holder;
    this.#progress = previous.#progress;
    this.#running = previous.#running;
    previous.#handedOver = true;
  }

  /** Starts the timer loop (idempotent). */
  activate(): void {
    if (this.#state === 'closed') throw new WeftError('ERR_NODE_CLOSED', { node: `schedule ${this.name}` });
    if (this.#loop !== undefined) return;
    const stop = (this.#stop = new AbortController());
    this.#loop = this.#run(stop.signal).catch((thrown: unknown) => this.#logger.error({ err: toWeftError(thrown) }, 'schedule stopped by an unexpected failure'));
  }

  /** Stops ticking and gives the lease back (unless a replacement took it over); running ticks go on. */
  async deactivate(): Promise<void> {
    const loop = this.#loop;
    if (loop === undefined) return;
    this.#stop!.abort();
    await loop;
    this.#loop = undefined;
    if (this.#options.leader && this.#leading && !this.#handedOver) {
      await this.#leases.releaseLease(this.key, this.#holder).catch((thrown: unknown) => this.#logger.warn({ err: toWeftError(thrown) }, 'cannot release the schedule lease: it expires on its own'));
    }
    this.#leading = false;
    if (this.#state !== 'closed') this.#setState('stopped');
  }

  async close(): Promise<void> {
    if (this.#state === 'closed') return;
    await this.deactivate();
    this.#setState('closed');
  }

  async #run(signal: AbortSignal): Promise<void> {
    const { clock, leader } = this.#options;
    if (leader) await this.#elect();
    else this.#setState('ticking');
    let next = clock.next(Date.now());
    if (next !== undefined && !this.#handedOver) this.#logger.info({ next: new Date(next).toISOString(), ...(leader ? { leader: true } : {}) }, 'scheduled');
    while (!signal.aborted && !this.#handedOver) {
      if (next === undefined) {
        this.#logger.info('the schedule has no more ticks');
        await abortableDelay(MAX_DELAY_MS, signal);
        continue;
      }
      const wakeAt = leader ? Math.min(next, this.#renewAt) : next;
      if (!(await sleepUntil(wakeAt, signal)) || this.#handedOver) break;
      if (Date.now() < next) {
        await this.#elect();
        continue;
      }
      const tick = next;
      next = clock.next(Math.max(tick, Date.now()));
      await this.#tick(tick);
    }
  }

  /**
   * Takes or renews the lease; on becoming the leader it adopts the recorded last tick and, with
   * catchUp, fires the ticks missed before `until` (the tick being handled, else now).
   */
  async #elect(until?: number): Promise<void> {
    const { leaseMs, catchUp } = this.#options;
    this.#renewAt = Date.now() + Math.max(100, Math.floor(leaseMs / 3));
    let lease;
    try {
      lease = await this.#leases.acquireLease(this.key, this.#holder, leaseMs);
      this.#storeOk();
    } catch (thrown) {
      this.#storeFailed(thrown);
      this.#renewAt = Date.now() + Math.min(1000, Math.floor(leaseMs / 3));
      return;
    }
    const wasLeading = this.#leading;
    this.#leading = lease !== null;
    if (lease === null) return this.#setState('following');
    const recorded = parseTime((lease.data as LeaseRecord | undefined)?.last);
    if (recorded !== undefined && !this.#done(recorded)) this.#progress.last = recorded;
    this.#setState('leading');
    if (!wasLeading && catchUp && recorded !== undefined) await this.#catchUp(recorded, until ?? Date.now());
  }

  /** Fires, one after the other, the ticks after `since` and before `until` (the latest MAX_CATCH_UP). */
  async #catchUp(since: number, until: number): Promise<void> {
    const missed = this.#options.clock.previous(until, MAX_CATCH_UP + 1).filter((tick) => tick > since);
    if (missed.length > MAX_CATCH_UP) {
      missed.shift();
      this.#logger.warn({ since: new Date(since).toISOString(), replayed: MAX_CATCH_UP }, `more than ${MAX_CATCH_UP} ticks were missed: the older ones are dropped`);
    }
    if (missed.length === 0) return;
    this.#logger.info({ count: missed.length, since: new Date(since).toISOString() }, 'replaying missed ticks');
    const signal = this.#stop?.signal;
    const stopped = new Promise<void>((resolve) => (signal === undefined || signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));
    for (const tick of missed) {
      if (this.#stop?.signal.aborted || this.#handedOver || !(await this.#record(tick)) || this.#done(tick)) return;
      this.#progress.last = tick;
      this.counters.replayed++;
      // One replay at a time; a deactivation stops waiting for it (the runtime drains it).
      await Promise.race([this.#fire(tick, true), stopped]);
    }
  }

  async #tick(tick: number): Promise<void> {
    if (this.#options.leader) {
      await this.#elect(tick);
      if (!this.#leading) return;
    }
    if (this.#done(tick) || !this.#options.context.processes.admitting) return;
    // A paused namespace fires no tick: it is skipped (not replayed on resume).
    if (this.#options.context.processes.paused) {
      this.counters.skipped++;
      return;
    }
    const skip = !this.#options.overlap && this.#running.size > 0;
    if (this.#options.leader && !(await this.#record(tick))) return;
    // Checked again after the awaits: a replacement sharing the progress may have taken the tick.
    if (this.#done(tick) || this.#handedOver) return;
    this.#progress.last = tick;
    if (skip) {
      if (this.#skipping++ === 0) this.#logger.warn({ scheduled: new Date(tick).toISOString() }, 'tick skipped: the previous tick still runs (overlap: false)');
      this.counters.skipped++;
      return;
    }
    if (this.#skipping > 0) this.#logger.info({ skipped: this.#skipping }, 'ticks fire again after skipping');
    this.#skipping = 0;
    void this.#fire(tick, false);
  }

  /** True when `tick` is not after the last tick fired or skipped. */
  #done(tick: number): boolean {
    return this.#progress.last !== undefined && tick <= this.#progress.last;
  }

  /** Writes `tick` as the last one into the lease; false when the lease is lost (then the tick is not fired). */
  async #record(tick: number): Promise<boolean> {
    try {
      const lease = await this.#leases.acquireLease(this.key, this.#holder, this.#options.leaseMs, { last: new Date(tick).toISOString() });
      this.#storeOk();
      this.#leading = lease !== null;
      if (lease === null) this.#setState('following');
      return this.#leading;
    } catch (thrown) {
      this.#storeFailed(thrown);
      return false;
    }
  }

  /** Runs one tick as a root process; resolves when it has ended. An error reply is logged, the schedule goes on. */
  #fire(tick: number, replayed: boolean): Promise<void> {
    const processes = this.#options.context.processes;
    if (!processes.admitting || processes.paused) return Promise.resolve();
    const process = processes.spawn();
    const payload: Record<string, unknown> = { tick: new Date().toISOString(), scheduled: new Date(tick).toISOString(), schedule: this.name };
    if (this.#options.data !== undefined) payload.data = this.#options.data;
    if (replayed) payload.replayed = true;
    this.counters.fired++;
    const span = startProcessSpan(process, {
      name: `tick ${this.name}`, kind: 'internal',
      attributes: { 'weft.namespace': this.#options.context.namespace, 'weft.node': this.name, 'weft.kind': 'schedule', 'weft.process': process.id, 'weft.scheduled': String(payload.scheduled), 'weft.replayed': replayed },
    });
    let reply;
    try {
      reply = span === undefined ? this.emit(process, new Packet(payload)) : withSpan(span, () => this.emit(process, new Packet(payload)));
    } catch (thrown) {
      reply = new Packet(toWeftError(thrown));
    }
    const done = Promise.resolve(reply)
      .catch((reason: unknown) => new Packet(toWeftError(reason)))
      .then((settled) => {
        const error = settled.payload instanceof Error ? toWeftError(settled.payload) : undefined;
        if (error !== undefined) {
          this.counters.failed++;
          this.#logger.warn({ err: error, code: error.code, scheduled: payload.scheduled }, 'tick failed');
        }
        if (span !== undefined) endProcessSpan(span, error);
        return process.finish(error);
      });
    const running = this.#running;
    running.add(done);
    void done.finally(() => running.delete(done));
    return done;
  }

  #storeOk(): void {
    if (!this.#storeFailing) return;
    this.#storeFailing = false;
    this.#logger.info('the store answers the schedule lease again');
  }

  #storeFailed(thrown: unknown): void {
    this.#leading = false;
    if (this.#storeFailing) return;
    this.#storeFailing = true;
    this.#logger.warn({ err: toWeftError(thrown) }, 'cannot reach the store for the schedule lease: not firing until it answers');
  }

  #setState(state: ScheduleState): void {
    if (state === this.#state) return;
    this.#state = state;
    if (state === 'leading' || state === 'following') this.#logger.info({ key: this.key, holder: this.#holder }, state === 'leading' ? 'schedule: this engine leads' : 'schedule: another engine leads');
  }
}

/** Waits until the clock reads `at` (timers may fire a little early); false when aborted. */
async function sleepUntil(at: number, signal: AbortSignal): Promise<boolean> {
  for (;;) {
    const wait = at - Date.now();
    if (wait <= 0) return !signal.aborted;
    if (!(await abortableDelay(Math.min(wait, MAX_DELAY_MS), signal))) return false;
  }
}

/** Epoch ms of an ISO time, or undefined. */
function parseTime(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}
