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
  /** Work refused or queued because the namespace could not take it (the control plane's backlog). */
  backpressureEvents = 0;
  /** The store's state as readiness sees it (set by OpsPlane.watch); undefined: not watched. */
  store: (() => HealthCheck) | undefined;
  /** The node states of the namespace's runtime, counted by state (set by OpsPlane.watch). */
  nodeStates: (() => Record<string, number>) | undefined;

  constructor(namespace: string) {
    this.namespace = namespace;
  }

  /** Root processes running now. */
  get inFlight(): number {
    return this.processesStarted - this.processesEnded;
  }
}
