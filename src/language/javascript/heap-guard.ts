import type ivm from 'isolated-vm';

/** What the guard needs of an isolate: its statistics, and the prelude's `probe`. */
export interface GuardedIsolate {
  readonly isolate: ivm.Isolate;
  /** `probe(bytes)`: true when that many more ArrayBuffer bytes fit under isolated-vm's limit (after a full GC if needed). */
  readonly probe: (bytes: number) => boolean;
}

/** Least time between two samples of one isolate's heap on the call path (a sample costs 3–8 µs). */
export const SAMPLE_EVERY_MS = 5;
/** Least time between two full-GC probes of one isolate, and how many times the probe's own cost it waits. */
const PROBE_GAP_MS = 50;
const PROBE_COST_FACTOR = 20;
const PROBE_GAP_MAX_MS = 1000;
/**
 * Past this share of its limit a heap is probed whatever the gap: V8 needs room to double a big
 * table (an object with 2.6 million keys aborted at 1.25× its limit when probes were spaced).
 */
const URGENT = 1.15;
const MiB = 1024 * 1024;

/**
 * How much heap isolated-vm is given over the snippet's own limit. isolated-vm's limit is V8's
 * heap size as well, and V8 aborts the whole process (no error, no recovery) when an allocation
 * does not fit, which a `Map` or an object's keys reach when their table doubles: measured here,
 * an isolate limited to 64 MiB aborted with 59 MiB in use. With this headroom the guard disposes
 * an isolate whose live heap is over the snippet's limit while V8 still has room.
 */
export function headroomMb(memoryMb: number): number {
  return Math.max(memoryMb, 32);
}

/**
 * Keeps one snippet's isolate under its memory limit between calls. isolated-vm stops a call
 * whose heap outgrows its (headroom-raised) limit, but not growth spread over many calls, which
 * ended in V8 aborting the engine (in-process) or the sandbox child. After a call, at most every
 * SAMPLE_EVERY_MS, the guard reads the heap statistics; a heap that looks over the limit may be
 * garbage (measured here: a snippet allocating 8 MB of temporary arrays per call showed 73 % of
 * its heap in use), so the guard then probes (a full GC inside isolated-vm) for the live size,
 * spaced by 20× its own cost (50 ms to 1 s) unless the heap is past URGENT × the limit. `over` means the isolate
 * must be disposed. Calls skipped by the time gate leave the guard dirty, so the owner's idle
 * timer samples it once more.
 */
export class HeapGuard {
  readonly #limit: number;
  readonly #headroom: number;
  #sampledAt = Number.NEGATIVE_INFINITY;
  #nextProbeAt = 0;
  #dirty = false;

  constructor(memoryMb: number) {
    this.#limit = memoryMb * MiB;
    this.#headroom = headroomMb(memoryMb) * MiB;
  }

  /** True when a call has run since the last sample. */
  get dirty(): boolean {
    return this.#dirty;
  }

  /** After a call that started at `startedAt` (performance.now()): true when the isolate is over its limit. */
  afterCall(target: GuardedIsolate, startedAt: number): boolean {
    if (startedAt - this.#sampledAt < SAMPLE_EVERY_MS) {
      this.#dirty = true;
      return false;
    }
    return this.sample(target);
  }

  /** Samples now: true when the isolate's live heap (and external memory) is over the limit. */
  sample(target: GuardedIsolate): boolean {
    const now = performance.now();
    this.#sampledAt = now;
    this.#dirty = false;
    if (target.isolate.isDisposed) return false;
    const stats = target.isolate.getHeapStatisticsSync();
    const used = stats.used_heap_size + stats.externally_allocated_size;
    if (used <= this.#limit) return false;
    if (used <= this.#limit * URGENT && now < this.#nextProbeAt) return false;
    // isolated-vm refuses an ArrayBuffer when heap + external + its size would pass its limit plus
    // V8's other spaces (heap_size_limit − limit): asking for exactly that much more than our
    // limit leaves tests live heap > our limit, after the GC isolated-vm runs first.
    const slack = Math.max(0, stats.heap_size_limit - this.#limit - this.#headroom);
    let fits: boolean;
    try {
      fits = target.probe(this.#headroom + slack);
    } catch {
      return true;
    }
    const done = performance.now();
    this.#nextProbeAt = done + Math.min(PROBE_GAP_MAX_MS, Math.max(PROBE_GAP_MS, PROBE_COST_FACTOR * (done - now)));
    return !fits;
  }
}
