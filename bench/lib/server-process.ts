import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism } from 'node:os';

const CORES = availableParallelism();

/**
 * Whether benchmark servers run pinned to the last core (taskset works and there are two or
 * more): the load generator (this process) is then pinned to the others, so the two do not
 * compete for one core.
 */
export const PINNED = CORES >= 2 && spawnSync('taskset', ['-c', '0', 'true']).status === 0;
if (PINNED) spawnSync('taskset', ['-pc', `0-${CORES - 2}`, String(process.pid)]);

/** The core servers are pinned to when PINNED. */
export const SERVER_CORE = CORES - 1;

/** A loopback port that was free a moment ago. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * Starts `node script port ...scriptArgs` (pinned when PINNED, with extra node flags) and resolves once it
 * prints `ready`; rejects when it exits first or stays silent for 15 s.
 */
export async function startServerProcess(script: string, nodeFlags: readonly string[] = [], scriptArgs: readonly string[] = []): Promise<{ child: ChildProcess; port: number }> {
  const port = await freePort();
  const nodeArgs = [...nodeFlags, script, String(port), ...scriptArgs];
  const [command, args] = PINNED ? ['taskset', ['-c', String(SERVER_CORE), process.execPath, ...nodeArgs]] : [process.execPath, nodeArgs];
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not start`)), 15_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
  return { child, port };
}

/** CPU seconds (user + system) a process has used so far, from /proc; NaN where there is none. */
export function cpuSeconds(pid: number): number {
  const file = `/proc/${pid}/stat`;
  if (!existsSync(file)) return Number.NaN;
  const fields = readFileSync(file, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
