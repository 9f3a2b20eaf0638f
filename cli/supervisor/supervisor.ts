import { chmodSync, mkdirSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { listenControl } from './control-server.ts';
import { EngineSlot, type SlotSnapshot } from './engine-slot.ts';
import type { EnginePlan } from './plan-engines.ts';
import { RESTART_POLICY, type RestartPolicy } from './restart-policy.ts';
import { logFileName, type RunDir } from './run-dir.ts';

/** What `GET /engines` on the control socket answers. */
export interface SupervisorSnapshot {
  readonly pid: number;
  readonly startedAt: string;
  readonly engines: readonly SlotSnapshot[];
}

/** Options of a Supervisor: the engines to run and where. */
export interface SupervisorOptions {
  readonly plans: readonly EnginePlan[];
  readonly runDir: RunDir;
  /** The children's working directory (the config file's). */
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The `node` arguments that run the `weft` CLI. */
  readonly command: readonly string[];
  readonly policy?: RestartPolicy;
  /** Keep a warm standby per engine for faster restarts (default true). */
  readonly standby?: boolean;
  /** Each child line, with the slot it came from. */
  readonly onLine?: (plan: EnginePlan, line: string) => void;
  /** What the supervisor does, for its own log. */
  readonly onEvent?: (plan: EnginePlan, event: string, fields: Record<string, unknown>) => void;
}

/**
 * `weft up`'s core: one EngineSlot per planned replica, and the control socket that `weft ps`
 * and `weft up --restart` use. `start()` claims the run directory (ERR_SUPERVISOR_RUNNING when
 * another supervisor holds it) and starts every engine; `stop()` drains them all.
 */
export class Supervisor {
  readonly #options: SupervisorOptions;
  readonly #slots: EngineSlot[] = [];
  readonly #startedAt = new Date().toISOString();
  #server: Server | undefined;
  #state: 'idle' | 'running' | 'stopping' | 'stopped' = 'idle';

  constructor(options: SupervisorOptions) {
    this.#options = options;
  }

  async start(): Promise<void> {
    if (this.#state !== 'idle') return;
    const { runDir } = this.#options;
    mkdirSync(runDir.logs, { recursive: true, mode: 0o700 });
    chmodSync(runDir.path, 0o700);
    this.#server = await listenControl(runDir.socket, { engines: () => this.snapshot(), restart: (namespace) => this.restart(namespace) });
    this.#state = 'running';
    // The compile cache makes every child start (and restart) faster after the first.
    const env = { NODE_COMPILE_CACHE: join(runDir.path, 'compile-cache'), ...this.#options.env };
    for (const plan of this.#options.plans) {
      this.#slots.push(new EngineSlot({
        plan, command: this.#options.command, cwd: this.#options.cwd, env, logFile: join(runDir.logs, logFileName(plan.namespace, plan.replica)),
        policy: this.#options.policy ?? RESTART_POLICY, standby: this.#options.standby ?? true,
        onLine: (line) => this.#options.onLine?.(plan, line),
        onEvent: (event, fields) => this.#options.onEvent?.(plan, event, fields),
      }));
    }
    for (const slot of this.#slots) slot.start();
  }

  snapshot(): SupervisorSnapshot {
    return { pid: process.pid, startedAt: this.#startedAt, engines: this.#slots.map((slot) => slot.snapshot()) };
  }

  /** Restarts every replica of the namespace; undefined when it runs none. */
  restart(namespace: string): SlotSnapshot[] | undefined {
    const slots = this.#slots.filter((slot) => slot.plan.namespace === namespace);
    if (slots.length === 0 || this.#state !== 'running') return undefined;
    for (const slot of slots) slot.restart();
    return slots.map((slot) => slot.snapshot());
  }

  /** SIGTERM to every engine (they drain), SIGKILL to those still up after `graceMs`; then the socket closes. */
  async stop(graceMs: number): Promise<void> {
    // Only a supervisor that started owns the socket: one refused with ERR_SUPERVISOR_RUNNING must not remove the other's.
    if (this.#state !== 'running') return;
    this.#state = 'stopping';
    await Promise.all(this.#slots.map((slot) => slot.stop(graceMs)));
    await Promise.all(this.#slots.map((slot) => slot.close()));
    await new Promise<void>((resolve) => (this.#server === undefined ? resolve() : this.#server.close(() => resolve())));
    rmSync(this.#options.runDir.socket, { force: true });
    this.#state = 'stopped';
  }

  /** Kills every engine at once (a second signal). */
  kill(): void {
    for (const slot of this.#slots) slot.kill();
  }
}
