import { join, resolve } from 'node:path';

/** Where `weft up` keeps its control socket and the engines' logs. */
export interface RunDir {
  readonly path: string;
  /** The control socket `weft ps` and `weft up --restart` talk to. */
  readonly socket: string;
  /** One file per replica: `<namespace>.<replica>.log`. */
  readonly logs: string;
}

/** The run directory: `--run-dir`, else WEFT_RUN_DIR, else `.weft/run` beside the config file. */
export function runDirOf(configDir: string, flag: string | undefined, env: Readonly<Record<string, string | undefined>>): RunDir {
  const chosen = flag ?? (env.WEFT_RUN_DIR === '' ? undefined : env.WEFT_RUN_DIR);
  const path = chosen === undefined ? join(configDir, '.weft', 'run') : resolve(configDir, chosen);
  return { path, socket: join(path, 'supervisor.sock'), logs: join(path, 'logs') };
}

const UNSAFE = /[^A-Za-z0-9_.-]/g;

/** The log file name of a replica (a namespace's characters that a file name should not hold become `_`). */
export function logFileName(namespace: string, replica: number): string {
  return `${namespace.replace(UNSAFE, '_')}.${replica}.log`;
}

/** The namespace part and replica of a log file name, or undefined for another file. */
export function parseLogFileName(name: string): { namespace: string; replica: number } | undefined {
  const match = /^(.+)\.(\d+)\.log$/.exec(name);
  return match === null ? undefined : { namespace: match[1]!, replica: Number(match[2]) };
}
