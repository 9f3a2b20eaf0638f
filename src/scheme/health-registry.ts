/** What one health contributor says: ok, or not with a reason an operator can act on. */
export interface HealthCheck {
  readonly ok: boolean;
  /** Why it is not ready (or a note when it is), e.g. `not bound to 127.0.0.1:8000`. */
  readonly reason?: string;
}

/** One registered contributor's answer, as `/readyz` reports it. */
export interface HealthReport extends HealthCheck {
  readonly name: string;
}

/**
 * Where the parts of an engine that readiness depends on register themselves (seed 003's
 * HealthRegistry): the store and its feed, each listener, each consumer, the sandbox pool. A
 * contributor registers once it exists (a listener in `activate`) and calls the returned
 * function to leave (in `deactivate`/`close`); `check` runs on every readiness probe, so it must
 * be cheap, synchronous and must not throw (a throw counts as not ready). One registry may
 * serve several runtimes; names should be unique (`listener default/ping`).
 */
export class HealthRegistry {
  readonly #checks = new Map<string, () => HealthCheck>();

  /** Registers a contributor under `name` (replacing one of that name); returns the unregister function. */
  register(name: string, check: () => HealthCheck): () => void {
    this.#checks.set(name, check);
    return () => {
      if (this.#checks.get(name) === check) this.#checks.delete(name);
    };
  }

  /** Every contributor's current answer, by name order. */
  check(): HealthReport[] {
    const reports: HealthReport[] = [];
    for (const [name, check] of this.#checks) {
      try {
        const result = check();
        reports.push(result.reason === undefined ? { name, ok: result.ok } : { name, ok: result.ok, reason: result.reason });
      } catch (thrown) {
        reports.push({ name, ok: false, reason: thrown instanceof Error ? thrown.message : String(thrown) });
      }
    }
    return reports.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
}
