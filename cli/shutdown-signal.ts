/** SIGINT or SIGTERM, once received: what `weft start` waits for, whatever it is doing. */
export interface ShutdownSignal {
  /** Aborted on the first SIGINT or SIGTERM; its `reason` is the signal's name. */
  readonly signal: AbortSignal;
  /** Resolves with the signal's name once one arrives. */
  readonly received: Promise<string>;
  /** Removes the process listeners (idempotent). */
  dispose(): void;
}

/**
 * Listens for SIGINT and SIGTERM from now on, so that a signal that comes while `weft start`
 * still waits for its store, or loads, ends it as cleanly as one that comes while it serves.
 */
export function shutdownSignal(): ShutdownSignal {
  const controller = new AbortController();
  let resolve!: (name: string) => void;
  const received = new Promise<string>((done) => (resolve = done));
  const on = (name: string) => (): void => {
    if (!controller.signal.aborted) controller.abort(name);
    resolve(name);
  };
  const onInt = on('SIGINT');
  const onTerm = on('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  return {
    signal: controller.signal,
    received,
    dispose: () => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
    },
  };
}
