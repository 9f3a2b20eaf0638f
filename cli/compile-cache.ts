import { accessSync, constants, statSync } from 'node:fs';
import { enableCompileCache } from 'node:module';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * Turns on Node's module compile cache (Node ≥ 22.1) for the CLI's own process: the second and
 * later runs of a `weft` command skip compiling weft's and its libraries' code. The cache lives
 * in the OS cache folder (XDG_CACHE_HOME, ~/Library/Caches, %LOCALAPPDATA%, else the temp
 * folder) under weft/compile-cache; NODE_COMPILE_CACHE picks another folder and
 * NODE_DISABLE_COMPILE_CACHE=1 turns it off, as for any Node program. A folder that cannot be
 * created or written only means no cache; a folder under /proc or /sys is not even tried (Node
 * 24's enableCompileCache spins there instead of failing).
 */
export function startCompileCache(env: Readonly<Record<string, string | undefined>>, platform: NodeJS.Platform = process.platform): void {
  if (typeof enableCompileCache !== 'function' || env.NODE_DISABLE_COMPILE_CACHE !== undefined) return;
  const folder = env.NODE_COMPILE_CACHE || join(cacheHome(env, platform), 'weft', 'compile-cache');
  if (!couldBeWritten(folder)) return;
  try {
    enableCompileCache(folder);
  } catch {
    // A cache is an optimisation: a folder Node cannot use must not stop a command.
  }
}

/** The per-user cache folder of the platform. */
function cacheHome(env: Readonly<Record<string, string | undefined>>, platform: NodeJS.Platform): string {
  if (env.XDG_CACHE_HOME) return env.XDG_CACHE_HOME;
  try {
    if (platform === 'darwin') return join(homedir(), 'Library', 'Caches');
    if (platform === 'win32') return env.LOCALAPPDATA || join(homedir(), 'AppData', 'Local');
    return join(homedir(), '.cache');
  } catch {
    return tmpdir();
  }
}

/** Whether the nearest existing ancestor of `folder` (or itself) is a writable directory outside the kernel's pseudo file systems. */
function couldBeWritten(folder: string): boolean {
  for (let current = folder; ; current = dirname(current)) {
    if (/^\/(proc|sys)(\/|$)/.test(current)) return false;
    let directory: boolean;
    try {
      directory = statSync(current).isDirectory();
    } catch {
      if (dirname(current) === current) return false;
      continue;
    }
    if (!directory) return false;
    try {
      accessSync(current, constants.W_OK);
      return true;
    } catch {
      return false;
    }
  }
}
