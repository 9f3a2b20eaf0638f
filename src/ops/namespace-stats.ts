import type { HealthCheck } from '../scheme/index.ts';

/** The counters of one namespace: root processes, loads, backpressure; read when scraped. */
export class NamespaceStats {
  readonly namespace: string;
  processesStarted = 0;
  processesEnded = 0;
  /** Specs loaded again (a new revision of a spec already loaded). */
  reloads = 0;
  /** Load attempts that failed (each retry counts). */
  failedLoads = 0;
  /** Reads the runtime's count of work refused because its backlog was full (set by OpsPlane.watch). */
  backpressure: (() => number) | undefined;
  /** The store's state as readiness sees it (set by OpsPlane.watch); undefined: not watched. */
  store: (() => HealthCheck) | undefined;
  /** The node states of the namespace's runtime, counted by state (set by OpsPlane.watch). */
  nodeStates: (() => Record<string, number>) | undefined;

  constructor(namespace: string) {
    this.namespace = namespace;
  }

  /** Work refused because the namespace could not take it (a paused namespace's full backlog). */
  get backpressureEvents(): number {
    return this.backpressure?.() ?? 0;
  }

  /** Root processes running now. */
  get inFlight(): number {
    return this.processesStarted - this.processesEnded;
  }
}
