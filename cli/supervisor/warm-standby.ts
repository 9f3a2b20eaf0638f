import { spawn, type ChildProcess } from 'node:child_process';

/** How to start a `weft` child: the node arguments, working directory and environment. */
export interface ChildCommand {
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** Starts a `weft` child with its output piped and an IPC channel (what `weft up` reads readiness from). */
export function spawnChild(command: ChildCommand, standby = false): ChildProcess {
  return spawn(process.execPath, [...command.args], {
    cwd: command.cwd, env: standby ? { ...command.env, WEFT_STANDBY: '1' } : { ...command.env }, stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
}

/** Tells a spare to run; a spare that died meanwhile shows as the slot's child exiting. */
function release(child: ChildProcess): void {
  child.send({ weft: 'go' }, () => {});
}

/**
 * A spare child of a slot that has loaded weft's code and waits for the word `go` before it runs
 * its command (cli/weft.ts): taking it over skips the module loading, which is most of a
 * restart's time on a busy machine. It reads its config and spec files only once told to go.
 */
export class WarmStandby {
  readonly #command: ChildCommand;
  #child: ChildProcess | undefined;
  /** Whether the spare said it waits (it hears `go` only from then on). */
  #waiting = false;

  constructor(command: ChildCommand) {
    this.#command = command;
  }

  /** The spare's pid once it has loaded and waits (null while it loads, or when there is none). */
  get pid(): number | null {
    return this.#waiting ? this.#child?.pid ?? null : null;
  }

  /** Starts a spare when none waits. */
  prepare(): void {
    if (this.#child !== undefined) return;
    const child = spawnChild(this.#command, true);
    this.#child = child;
    this.#waiting = false;
    child.on('message', (message) => {
      if ((message as { weft?: unknown } | null)?.weft === 'standby' && this.#child === child) this.#waiting = true;
    });
    child.once('error', () => this.#forget(child));
    child.once('exit', () => this.#forget(child));
  }

  /**
   * The spare, told to go: at once when it waits, else as soon as it has loaded (still sooner than
   * a new child). Undefined when there is none alive; the caller owns the child from now on.
   */
  take(): ChildProcess | undefined {
    const child = this.#child;
    const waiting = this.#waiting;
    this.#child = undefined;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null || !child.connected) {
      child?.kill('SIGKILL');
      return undefined;
    }
    child.removeAllListeners('exit').removeAllListeners('error').removeAllListeners('message');
    if (waiting) {
      release(child);
      return child;
    }
    const onMessage = (message: unknown): void => {
      if ((message as { weft?: unknown } | null)?.weft !== 'standby') return;
      child.off('message', onMessage);
      release(child);
    };
    child.on('message', onMessage);
    return child;
  }

  /** Ends the spare (it runs nothing yet: SIGKILL loses nothing); resolves once it is gone. */
  async close(): Promise<void> {
    const child = this.#child;
    this.#child = undefined;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await gone;
  }

  #forget(child: ChildProcess): void {
    if (this.#child === child) this.#child = undefined;
  }
}
