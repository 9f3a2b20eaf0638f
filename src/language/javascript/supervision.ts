import type { SlotKind } from './watch-slot.ts';

/**
 * One line a sandbox child writes on its supervision pipe (fd 4), as JSON. The main thread
 * writes `begin`/`end` around each compile, synchronously, so a crash during a compile is
 * always blamed on it; the watcher thread writes `run` once for each call or compile it sees
 * running for a tick or more (which one a crash happened under), and `kill` just before it
 * SIGKILLs the process for going over its memory budget or for a call that its timeout did not
 * stop. Lines are shorter than PIPE_BUF, so the two threads' writes never interleave.
 */
export type Report =
  | { readonly t: 'begin'; readonly kind: SlotKind; readonly id: number; readonly snippet: number }
  | { readonly t: 'end'; readonly kind: SlotKind; readonly id: number }
  | { readonly t: 'run'; readonly kind: SlotKind; readonly id: number; readonly snippet: number; readonly ms: number }
  | {
    readonly t: 'kill';
    readonly why: 'memory' | 'timeout';
    readonly kind: SlotKind;
    readonly id: number;
    readonly snippet: number;
    readonly ms: number;
    readonly rssMb: number;
    readonly budgetMb: number;
  };

/** Cuts the supervision pipe's bytes into reports; lines that are not reports are ignored. */
export class ReportReader {
  readonly #onReport: (report: Report) => void;
  #rest = '';

  constructor(onReport: (report: Report) => void) {
    this.#onReport = onReport;
  }

  push(chunk: string): void {
    const lines = (this.#rest + chunk).split('\n');
    this.#rest = lines.pop()!.slice(-4096);
    for (const line of lines) {
      let report: unknown;
      try {
        report = JSON.parse(line);
      } catch {
        continue;
      }
      if (typeof report === 'object' && report !== null && typeof (report as Report).t === 'string') this.#onReport(report as Report);
    }
  }
}
