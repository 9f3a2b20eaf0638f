/** What a sandbox child's main thread is doing, as its watcher thread reads it. */
export const SlotKind = { idle: 0, call: 1, compile: 2, collect: 3 } as const;
/** One of SlotKind. */
export type SlotKind = (typeof SlotKind)[keyof typeof SlotKind];

/** Float64 fields after the 8-byte sequence counter. */
export const SlotField = { kind: 0, id: 1, snippet: 2, startedAt: 3, timeoutMs: 4, budgetMb: 5 } as const;
/** Bytes of the shared buffer: an Int32 sequence (padded to 8) and six Float64 fields. */
export const SLOT_BYTES = 8 + 6 * 8;

/**
 * The main thread's side of the slot it shares with its watcher thread (sandbox-watcher.ts):
 * before each call or compile it writes what runs, since when (Date.now()) and under which
 * timeout, and the process's memory budget; the watcher polls it. Writers bump the sequence
 * after the fields, and the watcher rereads it, so a torn read is skipped. A few stores per
 * call, no syscall.
 */
export class WatchSlot {
  readonly buffer = new SharedArrayBuffer(SLOT_BYTES);
  readonly #sequence = new Int32Array(this.buffer, 0, 1);
  readonly #fields = new Float64Array(this.buffer, 8, 6);

  /** Marks `kind` (a call or compile of `id`, of `snippet`) as running from `startedAt` on. */
  begin(kind: SlotKind, id: number, snippet: number, timeoutMs: number, startedAt = Date.now()): void {
    const fields = this.#fields;
    fields[SlotField.kind] = kind;
    fields[SlotField.id] = id;
    fields[SlotField.snippet] = snippet;
    fields[SlotField.startedAt] = startedAt;
    fields[SlotField.timeoutMs] = timeoutMs;
    Atomics.add(this.#sequence, 0, 1);
  }

  /**
   * Runs `work` marked as `kind` (a heap check's full GC becomes a `collect`, which the watcher
   * does not time out), then marks the slot as it was, its clock untouched.
   */
  during<T>(kind: SlotKind, work: () => T): T {
    const previous = this.#fields[SlotField.kind]!;
    this.#mark(kind);
    try {
      return work();
    } finally {
      this.#mark(previous);
    }
  }

  #mark(kind: number): void {
    this.#fields[SlotField.kind] = kind;
    Atomics.add(this.#sequence, 0, 1);
  }

  end(): void {
    this.#mark(SlotKind.idle);
  }

  /** The RSS past which the watcher kills the process, in MiB. */
  set budgetMb(value: number) {
    this.#fields[SlotField.budgetMb] = value;
    Atomics.add(this.#sequence, 0, 1);
  }
}
