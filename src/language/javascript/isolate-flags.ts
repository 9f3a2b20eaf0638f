import { setFlagsFromString } from 'node:v8';

/**
 * V8 flags every process that runs snippet isolates needs. V8 13 (Node 24) compiles a small
 * allocating loop (`for (;;) all.push(new Array(1000).fill(1.5))`) with Turboshaft's loop
 * unrolling into code that never checks for interrupts: isolated-vm's timeout and its memory
 * limit (both are V8 terminations) could not stop it, and a sandbox child grew to 2.9 GB in
 * 4.5 s with `memory: 16`. Without unrolling the same loop stops at its limit (measured here:
 * 77 MB of RSS, 0.26 s). The cost is small loops left rolled in optimized code.
 */
export const ISOLATE_V8_FLAGS: readonly string[] = ['--no-turboshaft-loop-unrolling'];

let applied = false;

/**
 * Sets ISOLATE_V8_FLAGS in this process, once, before any snippet runs in it (the in-process
 * sandbox; sandbox children get them on their command line). V8 reads them when it optimizes a
 * function, so code already optimized keeps its unrolled loops; snippets are compiled later.
 */
export function useIsolateFlags(): void {
  if (applied) return;
  applied = true;
  for (const flag of ISOLATE_V8_FLAGS) setFlagsFromString(flag);
}
