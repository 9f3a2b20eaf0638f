import { spawn, type ChildProcess } from 'node:child_process';
import { ISOLATE_V8_FLAGS } from './isolate-flags.ts';

/** The engine's Node flags a child needs too (type stripping on older Node lines). */
const INHERITED_FLAGS = /^--(experimental-strip-types|experimental-transform-types|no-node-snapshot)$/;
/** The engine's environment variables a child gets: dates and `Intl` must behave the same. */
const INHERITED_ENV = ['TZ', 'LANG', 'LC_ALL'] as const;

/**
 * Starts one sandbox child: the same Node binary on `entry`, stdin and stdout ignored, stderr
 * piped (kept to explain a crash), fd 3 a pipe for the frames, fd 4 its supervision pipe
 * (supervision.ts). It runs with ISOLATE_V8_FLAGS and its own V8 heap (frames and payloads in
 * transit; the isolates have heaps of their own) capped at `heapMb`. The child gets none of the
 * engine's environment (it may hold secrets) but INHERITED_ENV, and none of its flags but
 * INHERITED_FLAGS (inspector, loaders or vitest's own flags have no business there).
 */
export function spawnSandboxChild(entry: string, heapMb: number): ChildProcess {
  const flags = process.execArgv.filter((flag) => INHERITED_FLAGS.test(flag));
  const env: NodeJS.ProcessEnv = {};
  for (const name of INHERITED_ENV) if (process.env[name] !== undefined) env[name] = process.env[name];
  const args = [...flags, ...ISOLATE_V8_FLAGS, `--max-old-space-size=${heapMb}`, entry];
  return spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'], env, windowsHide: true });
}
