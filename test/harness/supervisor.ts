import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { requestSupervisor } from '../../cli/supervisor/control-client.ts';
import type { SlotSnapshot } from '../../cli/supervisor/engine-slot.ts';
import type { SupervisorSnapshot } from '../../cli/supervisor/supervisor.ts';
import type { PsRow } from '../../cli/commands/ps.ts';
import { eventually, weft } from './cli.ts';

/** The run directory's control socket of a `weft up` started in `dir` (the default run dir). */
export function socketOf(dir: string): string {
  return join(dir, '.weft', 'run', 'supervisor.sock');
}

/** The supervisor's slots, straight from its control socket (undefined when none answers). */
export async function slots(dir: string): Promise<SlotSnapshot[] | undefined> {
  const snapshot = (await requestSupervisor(socketOf(dir), 'GET', '/engines')) as SupervisorSnapshot | undefined;
  return snapshot?.engines as SlotSnapshot[] | undefined;
}

/** Waits until the namespace's first slot matches `check`, and returns it. */
export function slotWhen(dir: string, namespace: string, check: (slot: SlotSnapshot) => boolean, timeoutMs: number, what: string): Promise<SlotSnapshot> {
  return eventually(async () => (await slots(dir))?.find((slot) => slot.namespace === namespace && check(slot)), timeoutMs, what);
}

/** `weft ps -o json` run in-process in `dir`. */
export async function ps(dir: string): Promise<PsRow[]> {
  const run = await weft(['ps', '-o', 'json'], { cwd: dir });
  if (run.code !== 0) throw new Error(`weft ps exited ${run.code}: ${run.stderr}`);
  return JSON.parse(run.stdout) as PsRow[];
}

/** Writes weft.config.yaml into `dir`. */
export function writeConfig(dir: string, config: Record<string, unknown>): void {
  writeFileSync(join(dir, 'weft.config.yaml'), stringify(config));
}

/** Writes a ping workflow (GET /ping → pong, GET /slow → pong after `slowMs`) listening on `port`. */
export function writePing(dir: string, file: string, port: number, slowMs = 1500): void {
  const specs = [
    { kind: 'listener', name: 'listener', protocol: 'http', host: '127.0.0.1', port, links: { out: [{ name: 'router', port: 'in' }] } },
    { kind: 'router', name: 'router', routes: [{ method: 'GET', path: '/ping', port: 'out[0]' }, { method: 'GET', path: '/slow', port: 'out[1]' }], links: { 'out[0]': [{ name: 'pong', port: 'in' }], 'out[1]': [{ name: 'wait', port: 'in' }] } },
    { kind: 'sleep', name: 'wait', duration: slowMs, links: { out: [{ name: 'pong', port: 'in' }] } },
    { kind: 'snippet', name: 'pong', language: 'text', code: 'pong' },
  ];
  writeFileSync(join(dir, file), stringify(specs));
}

/** Whether a process with this pid exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
