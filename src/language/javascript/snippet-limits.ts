import { WeftError } from '../../errors/index.ts';
import type { CompileOptions } from '../language.ts';

/** The limits one JavaScript/TypeScript snippet runs under, with every default filled in. */
export interface SnippetLimits {
  /** Heap limit of the snippet's isolate, in MiB (isolated-vm's `memoryLimit`). */
  readonly memoryMb: number;
  /** Time limit of one call (and of the module's top-level code), in milliseconds. */
  readonly timeoutMs: number;
}

/** The defaults: 128 MiB of heap and 5 s per call. */
export const DEFAULT_SNIPPET_LIMITS: SnippetLimits = { memoryMb: 128, timeoutMs: 5000 };

/** isolated-vm's smallest heap, and a ceiling that keeps one snippet from claiming the machine. */
const MEMORY_RANGE = { min: 8, max: 16_384 } as const;
/** The longest delay a Node timer takes (the async-call deadline is a timer). */
const MAX_TIMEOUT_MS = 2_147_483_647;

/**
 * The limits of one snippet: the spec's options over the language's defaults. Refuses a
 * memory or timeout out of range with ERR_SNIPPET_LIMITS_INVALID, at compile time.
 */
export function snippetLimits(options: CompileOptions | undefined, defaults: SnippetLimits = DEFAULT_SNIPPET_LIMITS): SnippetLimits {
  const memoryMb = options?.memoryMb ?? defaults.memoryMb;
  const timeoutMs = options?.timeoutMs ?? defaults.timeoutMs;
  if (!Number.isInteger(memoryMb) || memoryMb < MEMORY_RANGE.min || memoryMb > MEMORY_RANGE.max) {
    throw new WeftError('ERR_SNIPPET_LIMITS_INVALID', { reason: `memory ${memoryMb} MiB is not a whole number from ${MEMORY_RANGE.min} to ${MEMORY_RANGE.max}` });
  }
  if (!(timeoutMs > 0) || timeoutMs > MAX_TIMEOUT_MS) {
    throw new WeftError('ERR_SNIPPET_LIMITS_INVALID', { reason: `timeout ${timeoutMs} ms is not more than 0 and at most ${MAX_TIMEOUT_MS}` });
  }
  return { memoryMb, timeoutMs: Math.ceil(timeoutMs) };
}
