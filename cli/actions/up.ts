import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { WeftError } from '../../src/index.ts';
import { loadConfig } from '../config.ts';
import type { CliIO } from '../io.ts';
import { renderTable } from '../print.ts';
import { shutdownSignal, SIGNAL_EXIT_CODES } from '../shutdown-signal.ts';
import { configIO } from '../supervisor/config-io.ts';
import { requestSupervisor } from '../supervisor/control-client.ts';
import type { SlotSnapshot } from '../supervisor/engine-slot.ts';
import { planEngines, type EnginePlan } from '../supervisor/plan-engines.ts';
import { runDirOf } from '../supervisor/run-dir.ts';
import { Supervisor } from '../supervisor/supervisor.ts';
import { ExitStatus } from '../exit-status.ts';
import type { UpFlags } from '../commands/up.ts';

/** The CLI entry the children run: this file's sibling, as source (.ts) or built (.js). */
const CLI_ENTRY = new URL(import.meta.url.endsWith('.ts') ? '../weft.ts' : '../weft.js', import.meta.url).pathname;

/** The log prefix of a replica: its namespace, with the replica number when there are several. */
export function prefix(plan: Pick<EnginePlan, 'namespace' | 'replica' | 'replicas'>): string {
  return plan.replicas > 1 ? `${plan.namespace}.${plan.replica}` : plan.namespace;
}

/** Runs `weft up` (its definition: cli/commands/up.ts). */
export async function runUp(io: CliIO, flags: UpFlags): Promise<void> {
    const cio = configIO(io, flags.config);
    const runDir = runDirOf(cio.cwd, flags.runDir, cio.env);
    if (flags.restart !== undefined) {
      const engines = await requestSupervisor(runDir.socket, 'POST', `/restart?namespace=${encodeURIComponent(flags.restart)}`);
      if (engines === undefined) throw new WeftError('ERR_SUPERVISOR_UNREACHABLE', { socket: runDir.socket, reason: 'no weft up runs there' });
      const rows = (engines as SlotSnapshot[]).map((engine) => ({ namespace: engine.namespace, replica: String(engine.replica), state: engine.state, restarts: String(engine.restarts) }));
      io.stdout.write(renderTable(rows, ['namespace', 'replica', 'state', 'restarts']));
      return;
    }
    const config = loadConfig(cio, {});
    const graceMs = flags.graceMs === undefined ? config.drainTimeoutMs + 5000 : Number(flags.graceMs);
    if (!Number.isInteger(graceMs) || graceMs < 0) throw new WeftError('ERR_CONFIG_INVALID', { reason: `--grace-ms: must be a whole number of milliseconds (got ${flags.graceMs ?? ''})` });
    const plans = planEngines(cio, config, randomBytes(3).toString('hex'));
    const logger = pino({ level: config.logLevel === 'silent' ? 'silent' : 'info', base: { pid: process.pid, supervisor: true } }, io.stdout);
    const supervisor = new Supervisor({
      plans, runDir, cwd: cio.cwd, env: cio.env, command: [CLI_ENTRY], standby: flags.standby !== false,
      onLine: flags.quiet === true ? undefined : (plan, line) => io.stdout.write(`${prefix(plan)} | ${line}\n`),
      onEvent: (plan, event, fields) => logger.info({ namespace: plan.namespace, replica: plan.replica, ...fields }, event),
    });
    const shutdown = shutdownSignal();
    try {
      await supervisor.start();
      logger.info({ engines: plans.length, runDir: runDir.path }, 'weft up is running; stop with Ctrl-C');
      const keepAlive = setInterval(() => {}, 2 ** 30);
      const signal = await shutdown.received;
      clearInterval(keepAlive);
      logger.info({ signal, graceMs }, 'stopping every engine: each drains; a second signal kills them at once');
      let forced: string | undefined;
      void shutdown.again.then((second) => {
        forced = second;
        logger.warn({ signal: second }, 'second signal: killing every engine');
        supervisor.kill();
      });
      await supervisor.stop(graceMs);
      logger.info('every engine stopped');
      if (forced !== undefined) throw new ExitStatus(SIGNAL_EXIT_CODES[forced] ?? 1);
    } finally {
      shutdown.dispose();
      await supervisor.stop(0);
    }
}
