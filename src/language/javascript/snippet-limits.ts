import { WeftError } from '../../errors/index.ts';
import type { CompileOptions } from '../language.ts';

/** The limits one JavaScript/TypeScript snippet runs under, with every default filled in. */
export interface SnippetLimits {
  /** Heap limit of the snippet's isolate, in MiB (isolated-vm's `memoryLimit`). */
  readonly memoryMb: number;
  /** Time limit of one call (and of the module's top-level code), in milliseconds. */
  readonly timeoutMs: number;
  /**
   * Largest argument and result of one call, in MiB, counted as characters of their JSON text
   * (bytes of byte arrays). Set per language, not per spec.
   */
  readonly payloadMb: number;
}

/** The defaults: 128 MiB of heap, 5 s per call, 16 MiB payloads. */
export const DEFAULT_SNIPPET_LIMITS: SnippetLimits = { memoryMb: 128, timeoutMs: 5000, payloadMb: 16 };

/** isolated-vm's smallest heap, and a ceiling that keeps one snippet from claiming the machine. */
const MEMORY_RANGE = { min: 8, max: 16_384 } as const;
/** Payloads travel whole through pipes and heaps; a gigabyte is past any snippet's business. */
const PAYLOAD_RANGE = { min: 1, max: 1024 } as const;

/**
 * The longest `timeout` a snippet may set. Snippets have no I/O and no timers, so a call that
 * runs this long is computing without end; a bound keeps one call from holding a sandbox
 * process (and its supervision) for days.
 */
export const MAX_SNIPPET_TIMEOUT_MS = 60_000;

/**
 * The limits of one snippet: the spec's options over the language's defaults. Refuses a
 * memory, timeout or payload limit out of range with ERR_SNIPPET_LIMITS_INVALID, at compile time.
 */
export function snippetLimits(options: CompileOptions | undefined, defaults: SnippetLimits = DEFAULT_SNIPPET_LIMITS): SnippetLimits {
  const memoryMb = options?.memoryMb ?? defaults.memoryMb;
  const timeoutMs = options?.timeoutMs ?? defaults.timeoutMs;
  const payloadMb = defaults.payloadMb;
  if (!Number.isInteger(memoryMb) || memoryMb < MEMORY_RANGE.min || memoryMb > MEMORY_RANGE.max) {
    throw new WeftError('ERR_SNIPPET_LIMITS_INVALID', { reason: `memory ${memoryMb} MiB is not a whole number from ${MEMORY_RANGE.min} to ${MEMORY_RANGE.max}` });
  }
  if (!(timeoutMs > 0) || timeoutMs > MAX_SNIPPET_TIMEOUT_MS) {
    throw new WeftError('ERR_SNIPPET_LIMITS_INVALID', { reason: `timeout ${timeoutMs} ms is not more than 0 and at most ${MAX_SNIPPET_TIMEOUT_MS}` });
  }
  if (!Number.isInteger(payloadMb) || payloadMb < PAYLOAD_RANGE.min || payloadMb > PAYLOAD_RANGE.max) {
    throw new WeftError('ERR_SNIPPET_LIMITS_INVALID', { reason: `payload limit ${payloadMb} MiB is not a whole number from ${PAYLOAD_RANGE.min} to ${PAYLOAD_RANGE.max}` });
  }
  return { memoryMb, timeoutMs: Math.ceil(timeoutMs), payloadMb };
}
