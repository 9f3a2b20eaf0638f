import type { Logger } from '../../../src/index.ts';

/** Bounds of a StderrLog. */
export interface StderrLogOptions {
  /** The most bytes logged per window; the rest is counted and reported once (default 16 KiB). */
  readonly maxLoggedBytes?: number;
  /** The window after which the budget is renewed, for long-lived workers (default 60 s). */
  readonly windowMs?: number;
  /** How much of the latest output `tail` keeps, for error messages (default 2 KiB). */
  readonly tailBytes?: number;
}

const MAX_LINE = 1024;

/**
 * A handler's stderr: each line is logged (cut at 1 KiB) while the window's budget lasts, the
 * rest dropped with one "stderr truncated" line; the latest output is kept for error messages.
 * Never grows without bound, whatever the handler writes.
 */
export class StderrLog {
  readonly #logger: Logger;
  readonly #maxLogged: number;
  readonly #windowMs: number;
  readonly #tailBytes: number;
  #partial = '';
  #tail = '';
  #logged = 0;
  #dropped = 0;
  #windowStart = performance.now();

  constructor(logger: Logger, options: StderrLogOptions = {}) {
    this.#logger = logger;
    this.#maxLogged = options.maxLoggedBytes ?? 16 * 1024;
    this.#windowMs = options.windowMs ?? 60_000;
    this.#tailBytes = options.tailBytes ?? 2048;
  }

  /** Takes one chunk of stderr. */
  write(chunk: Buffer | string): void {
    const text = chunk.toString();
    this.#tail = (this.#tail + text).slice(-this.#tailBytes);
    const lines = (this.#partial + text).split('\n');
    this.#partial = lines.pop()!.slice(-MAX_LINE);
    for (const line of lines) this.#log(line);
  }

  /** Logs the last unterminated line and reports what was dropped (the handler has ended). */
  end(): void {
    if (this.#partial !== '') this.#log(this.#partial);
    this.#partial = '';
    this.#reportDropped();
  }

  /** The latest stderr output, trimmed (empty when there was none). */
  tail(): string {
    return this.#tail.trim();
  }

  #log(line: string): void {
    if (line.trim() === '') return;
    if (performance.now() - this.#windowStart > this.#windowMs) {
      this.#reportDropped();
      this.#windowStart = performance.now();
      this.#logged = 0;
    }
    const cut = line.length > MAX_LINE ? `${line.slice(0, MAX_LINE)}…` : line;
    if (this.#logged + cut.length > this.#maxLogged) {
      this.#dropped += line.length;
      return;
    }
    this.#logged += cut.length;
    this.#logger.info({ stderr: cut }, 'handler stderr');
  }

  #reportDropped(): void {
    if (this.#dropped === 0) return;
    this.#logger.warn({ droppedBytes: this.#dropped }, 'handler stderr truncated');
    this.#dropped = 0;
  }
}

/** A failure reason with the end of the handler's stderr after it, when there was any. */
export function withStderr(reason: string, stderr: StderrLog): string {
  const tail = stderr.tail();
  return tail === '' ? reason : `${reason}: ${tail.slice(-500)}`;
}
