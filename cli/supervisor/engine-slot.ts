import type { ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { redactStoreUrl } from '../../src/store/index.ts';
import { isSupervisorMessage } from './notify-supervisor.ts';
import type { EnginePlan } from './plan-engines.ts';
import { backoffMs, type RestartPolicy } from './restart-policy.ts';
import { spawnChild, WarmStandby, type ChildCommand } from './warm-standby.ts';

/** Where a supervised engine is in its life; `crash-looping` waits for `weft up --restart NS`. */
export type SlotState = 'starting' | 'running' | 'backoff' | 'crash-looping' | 'stopping' | 'stopped';

/** A slot as `weft ps` shows it. */
export interface SlotSnapshot {
  readonly namespace: string;
  readonly replica: number;
  readonly engineId: string;
  /** The store it runs on, without credentials. */
  readonly store: string;
  readonly state: SlotState;
  /** The child's pid while one runs. */
  readonly pid: number | null;
  /** How many times the supervisor started it again (crashes and `--restart`). */
  readonly restarts: number;
  /** Since when the current child runs (ISO-8601), null when none does. */
  readonly startedAt: string | null;
  readonly ready: boolean;
  readonly ops: string | null;
  /** How the last child ended: exit code or signal, and when. */
  readonly lastExit: { readonly code: number | null; readonly signal: string | null; readonly at: string } | null;
  /** When the next start is due, in `backoff`. */
  readonly restartAt: string | null;
  /** The pid of the warm standby that the next restart takes over, once it has loaded and waits. */
  readonly standbyPid: number | null;
}

/** What a slot needs besides its plan: how to run `weft`, where to log, how to restart. */
export interface EngineSlotOptions {
  readonly plan: EnginePlan;
  /** The `node` arguments before the `weft` arguments: the CLI entry. */
  readonly command: readonly string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly logFile: string;
  readonly policy: RestartPolicy;
  /** Keep a warm standby child (loaded, waiting) for a faster restart. */
  readonly standby: boolean;
  /** Each line the child writes (stdout and stderr). */
  readonly onLine: (line: string) => void;
  /** Each thing the supervisor does to the slot (started, exited, backoff, crash loop). */
  readonly onEvent: (event: string, fields: Record<string, unknown>) => void;
}

/**
 * One supervised replica: runs its `weft start` child, restarts it when it exits unasked (backoff
 * doubling per crash, reset once it ran healthy), and gives up after `crashLoopLimit` crashes in
 * a row before it became ready. The child's output is appended to its log file.
 */
export class EngineSlot {
  readonly #options: EngineSlotOptions;
  readonly #log: WriteStream;
  readonly #command: ChildCommand;
  readonly #standby: WarmStandby | undefined;
  #logFailed = false;
  #state: SlotState = 'stopped';
  #child: ChildProcess | undefined;
  #exited: Promise<void> = Promise.resolve();
  #startedAt: number | undefined;
  #ready = false;
  #ops: string | null = null;
  #restarts = 0;
  /** Crashes in a row (for the backoff); reset once a child ran healthy. */
  #crashes = 0;
  /** Crashes in a row before the child was ready (for the crash-loop limit). */
  #startCrashes = 0;
  #lastExit: SlotSnapshot['lastExit'] = null;
  #timer: NodeJS.Timeout | undefined;
  #restartAt: number | undefined;
  /** Set while the supervisor itself ends the child: its exit is no crash. */
  #ending: 'stop' | 'replace' | undefined;

  constructor(options: EngineSlotOptions) {
    this.#options = options;
    this.#log = createWriteStream(options.logFile, { flags: 'a' });
    // A log that cannot be written (disk full) must not take the supervisor down; stdout still gets the lines.
    this.#log.on('error', (error) => {
      if (!this.#logFailed) options.onEvent('engine log file not written; the lines go to stdout only', { file: options.logFile, err: error.message });
      this.#logFailed = true;
    });
    const { plan } = options;
    this.#command = { args: [...options.command, ...plan.args], cwd: options.cwd, env: { ...options.env, ...plan.env, WEFT_ENGINE_ID: plan.engineId } };
    this.#standby = options.standby ? new WarmStandby(this.#command) : undefined;
  }

  get state(): SlotState {
    return this.#state;
  }

  get plan(): EnginePlan {
    return this.#options.plan;
  }

  /** Starts the child (from `stopped`). */
  start(): void {
    if (this.#state === 'stopped') this.#spawn();
  }

  /**
   * Starts it again at once, whatever its state: a crash-looping or backing-off slot starts with a
   * fresh count; a running child is stopped (SIGTERM, it drains) and replaced.
   */
  restart(): void {
    this.#crashes = 0;
    this.#startCrashes = 0;
    if (this.#state === 'stopping') return;
    if (this.#child !== undefined) {
      this.#ending = 'replace';
      this.#child.kill('SIGTERM');
      return;
    }
    this.#clearTimer();
    this.#restarts++;
    this.#spawn();
  }

  /** Stops the slot: no more restarts; SIGTERM to the child, SIGKILL after `graceMs`; resolves once it exited. */
  async stop(graceMs: number): Promise<void> {
    this.#clearTimer();
    await this.#standby?.close();
    const child = this.#child;
    if (child === undefined) {
      this.#state = 'stopped';
      return;
    }
    this.#ending = 'stop';
    this.#state = 'stopping';
    child.kill('SIGTERM');
    const exited = this.#exited;
    let timer: NodeJS.Timeout | undefined;
    const late = await Promise.race([exited.then(() => false), new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), graceMs)))]);
    clearTimeout(timer);
    if (late) {
      this.#event('engine did not stop in time; killing it', { graceMs, pid: child.pid });
      child.kill('SIGKILL');
      await exited;
    }
  }

  /** Kills the child at once (a second signal to `weft up`). */
  kill(): void {
    this.#ending = 'stop';
    void this.#standby?.close();
    this.#child?.kill('SIGKILL');
  }

  /** Closes the log file once the child is gone. */
  async close(): Promise<void> {
    await this.#exited;
    if (this.#logFailed) this.#log.destroy();
    else await new Promise<void>((resolve) => this.#log.end(() => resolve()));
  }

  snapshot(): SlotSnapshot {
    const { plan } = this.#options;
    return {
      namespace: plan.namespace, replica: plan.replica, engineId: plan.engineId, store: redactStoreUrl(plan.store), state: this.#state, pid: this.#child?.pid ?? null,
      restarts: this.#restarts, startedAt: this.#startedAt === undefined ? null : new Date(this.#startedAt).toISOString(), ready: this.#ready, ops: this.#ops,
      lastExit: this.#lastExit, restartAt: this.#restartAt === undefined ? null : new Date(this.#restartAt).toISOString(), standbyPid: this.#standby?.pid ?? null,
    };
  }

  #spawn(): void {
    const { plan } = this.#options;
    this.#restartAt = undefined;
    this.#ready = false;
    this.#ops = null;
    this.#state = 'starting';
    const warm = this.#standby?.take();
    const child = warm ?? spawnChild(this.#command);
    this.#child = child;
    this.#startedAt = Date.now();
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream!, crlfDelay: Infinity }).on('line', (line) => {
        if (!this.#logFailed) this.#log.write(`${line}\n`);
        this.#options.onLine(line);
      });
    }
    child.on('message', (message) => {
      if (!isSupervisorMessage(message) || this.#child !== child) return;
      if (message.weft === 'ready') {
        this.#ready = true;
        this.#ops = message.ops ?? null;
        this.#startCrashes = 0;
        if (this.#state === 'starting') this.#state = 'running';
        this.#clearTimer();
        // A child that stays up this long is healthy: its next crash waits the shortest backoff again.
        this.#timer = setTimeout(() => (this.#crashes = 0), this.#options.policy.healthyAfterMs);
        this.#timer.unref();
        // The spare starts once this engine serves, so the two never compete for the CPU at start.
        this.#standby?.prepare();
      } else {
        this.#ready = false;
      }
    });
    this.#exited = new Promise((resolve) => {
      child.once('error', (error) => this.#event('engine could not be started', { err: error.message }));
      // 'close' comes after the output streams ended: the log holds the child's last lines.
      child.once('close', (code, signal) => {
        this.#onExit(child, code, signal);
        resolve();
      });
    });
    this.#event('engine started', { pid: child.pid, args: plan.args, ...(warm === undefined ? {} : { standby: true }) });
  }

  #onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.#child !== child) return;
    this.#child = undefined;
    this.#clearTimer();
    const wasReady = this.#ready;
    this.#ready = false;
    this.#startedAt = undefined;
    this.#lastExit = { code, signal, at: new Date().toISOString() };
    const ending = this.#ending;
    this.#ending = undefined;
    if (ending === 'stop') {
      this.#state = 'stopped';
      this.#event('engine stopped', { pid: child.pid, code, signal });
      return;
    }
    if (ending === 'replace') {
      this.#restarts++;
      this.#event('engine stopped for a restart', { pid: child.pid, code, signal });
      this.#spawn();
      return;
    }
    this.#crashes++;
    if (!wasReady) this.#startCrashes++;
    const { policy } = this.#options;
    if (this.#startCrashes >= policy.crashLoopLimit) {
      this.#state = 'crash-looping';
      void this.#standby?.close();
      this.#event('engine is crash-looping: not restarted until `weft up --restart NS`', { pid: child.pid, code, signal, crashes: this.#startCrashes });
      return;
    }
    const delay = backoffMs(policy, this.#crashes);
    this.#state = 'backoff';
    this.#restartAt = Date.now() + delay;
    this.#event('engine exited; restarting', { pid: child.pid, code, signal, ready: wasReady, inMs: delay });
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#restarts++;
      this.#spawn();
    }, delay);
  }

  /** Tells the supervisor's log and appends the event to the slot's log file, as a JSON line like the engine's own. */
  #event(event: string, fields: Record<string, unknown>): void {
    if (!this.#logFailed) this.#log.write(`${JSON.stringify({ level: 30, time: Date.now(), supervisor: 'weft up', ...fields, msg: event })}\n`);
    this.#options.onEvent(event, fields);
  }

  #clearTimer(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
