/** SIGINT or SIGTERM, once received: what `weft start` waits for, whatever it is doing. */
export interface ShutdownSignal {
  /** Aborted on the first SIGINT or SIGTERM; its `reason` is the signal's name. */
  readonly signal: AbortSignal;
  /** Resolves with the signal's name once one arrives. */
  readonly received: Promise<string>;
  /** Resolves with the name of a second SIGINT or SIGTERM: the operator does not want to wait for the drain. */
  readonly again: Promise<string>;
  /** Removes the process listeners (idempotent). */
  dispose(): void;
}

/** The exit code of a process ended by a second signal: 128 + the signal's number (130 for SIGINT, 143 for SIGTERM). */
export const SIGNAL_EXIT_CODES: Readonly<Record<string, number>> = { SIGINT: 130, SIGTERM: 143 };

/**
 * Listens for SIGINT and SIGTERM from now on, so that a signal that comes while `weft start`
 * still waits for its store, or loads, ends it as cleanly as one that comes while it serves.
 * The first starts the graceful shutdown; a second one resolves `again`.
 */
export function shutdownSignal(): ShutdownSignal {
  const controller = new AbortController();
  let resolve!: (name: string) => void;
  let resolveAgain!: (name: string) => void;
  const received = new Promise<string>((done) => (resolve = done));
  const again = new Promise<string>((done) => (resolveAgain = done));
  const on = (name: string) => (): void => {
    if (controller.signal.aborted) {
      resolveAgain(name);
      return;
    }
    controller.abort(name);
    resolve(name);
  };
  const onInt = on('SIGINT');
  const onTerm = on('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  return {
    signal: controller.signal,
    received,
    again,
    dispose: () => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
    },
  };
}
