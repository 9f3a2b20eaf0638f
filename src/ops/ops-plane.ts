import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { silentLogger, type Logger } from '../log/index.ts';
import type { Runtime } from '../runtime/index.ts';
import { HealthRegistry } from '../scheme/index.ts';
import type { SpecStore } from '../store/index.ts';
import { EventBus } from './event-bus.ts';
import { healthRoutes } from './health-routes.ts';
import { metricsRoutes } from './metrics-routes.ts';
import { OpsMetrics } from './ops-metrics.ts';
import { OpsObserver } from './ops-observer.ts';
import type { OpsGuard, OpsRoute } from './ops-route.ts';
import { OpsServer } from './ops-server.ts';
import { prometheusRegistry } from './prometheus-registry.ts';
import { RevisionHistory } from './revision-history.ts';

/** Options of an OpsPlane; only host and port are required. */
export interface OpsPlaneOptions {
  readonly host: string;
  /** 0 for a free port. */
  readonly port: number;
  /**
   * Routes of other providers (pause/resume/inject, the console…), served beside metrics and
   * health; a function is called once with the plane, for routes that read its metrics or revisions.
   */
  readonly routes?: readonly OpsRoute[] | ((plane: OpsPlane) => readonly OpsRoute[]);
  readonly guard?: OpsGuard;
  readonly logger?: Logger;
  /** The longest port:emit value, as JSON characters (default 1024). */
  readonly maxValueLength?: number;
  /** What an event subscriber may have queued before its events are dropped (default 1 MiB). */
  readonly maxBufferedBytes?: number;
  /** How often metrics:update events go out while someone subscribes (default 1000 ms). */
  readonly metricsIntervalMs?: number;
  /** How late the event loop heartbeat may be before /healthz fails (default 2000 ms). */
  readonly maxEventLoopLagMs?: number;
}

const HEARTBEAT_MS = 250;

/**
 * The ops plane of an engine (`weft start --ops`): counters (OpsMetrics), the event bus, the
 * health registry and the server that serves them. Give `observer(namespace)` to the Runtime
 * (RuntimeOptions.observer) and `health` too (RuntimeOptions.health), then `watch` the runtime
 * so readiness covers its store and specs. `events.publish` is open to other providers.
 */
export class OpsPlane {
  readonly metrics = new OpsMetrics();
  readonly events: EventBus;
  readonly health = new HealthRegistry();
  /** The spec revisions seen by the runtimes it watches, since start (the console's history). */
  readonly revisions = new RevisionHistory();
  readonly #options: OpsPlaneOptions;
  readonly #server: OpsServer;
  readonly #liveness: { lastBeat: number; maxLagMs: number };
  readonly #timers: NodeJS.Timeout[] = [];
  #registry: Promise<Registry> | undefined;

  constructor(options: OpsPlaneOptions) {
    this.#options = options;
    this.events = new EventBus({ maxBufferedBytes: options.maxBufferedBytes });
    this.#liveness = { lastBeat: performance.now(), maxLagMs: options.maxEventLoopLagMs ?? 2000 };
    const extra = typeof options.routes === 'function' ? options.routes(this) : options.routes ?? [];
    const routes = [...metricsRoutes(this.metrics, () => this.registry()), ...healthRoutes(this.health, this.#liveness), ...extra];
    this.#server = new OpsServer({ host: options.host, port: options.port, routes, guard: options.guard, events: this.events, logger: options.logger ?? silentLogger });
  }

  /** The Prometheus registry (made, and prom-client loaded, on first use). */
  registry(): Promise<Registry> {
    this.#registry ??= prometheusRegistry(this.metrics);
    return this.#registry;
  }

  /** The observer to give the Runtime of `namespace` (counts always; events while subscribed). */
  observer(namespace: string): OpsObserver {
    return new OpsObserver({ namespace, metrics: this.metrics, bus: this.events, maxValueLength: this.#options.maxValueLength });
  }

  /**
   * Makes readiness cover a runtime (running, every spec active) and its store (connected, feed
   * live), counts its node states and backpressure events, and publishes spec:applied and
   * namespace:paused/resumed, and records its spec changes in `revisions`. Returns the function that stops.
   */
  watch(runtime: Runtime, store: SpecStore): () => void {
    const namespace = runtime.namespace;
    const stats = this.metrics.namespace(namespace);
    const storeHealth = () => store.health?.() ?? { ok: true };
    stats.store = storeHealth;
    stats.backpressure = () => runtime.processes.backpressureEvents;
    stats.nodeStates = () => {
      const counts: Record<string, number> = { active: 0, inactive: 0, failed: 0 };
      for (const node of runtime.status()) counts[node.state] = (counts[node.state] ?? 0) + 1;
      return counts;
    };
    const leave = [
      this.health.register(`store ${namespace}`, storeHealth),
      this.health.register(`specs ${namespace}`, () => {
        if (runtime.state !== 'running') return { ok: false, reason: `runtime ${runtime.state}` };
        const waiting = runtime.status().filter((node) => node.state !== 'active').map((node) => `${node.name ?? node.id} ${node.state}`);
        return waiting.length === 0 ? { ok: true } : { ok: false, reason: waiting.join(', ') };
      }),
      runtime.onPauseChange((paused) => this.events.publish({ type: paused ? 'namespace:paused' : 'namespace:resumed', namespace, backlog: runtime.processes.backlogSize })),
      runtime.specChanges.subscribe((changes) => {
        for (const change of changes) this.revisions.record(change.op, change.spec);
        if (!this.events.accepts('spec:applied')) return;
        for (const change of changes) {
          this.events.publish({ type: 'spec:applied', namespace, node: change.spec.name ?? change.spec.id, op: change.op, id: change.spec.id, kind: change.spec.kind, revision: change.spec.revision });
        }
      }),
    ];
    return () => {
      for (const stop of leave) stop();
      stats.store = undefined;
      stats.backpressure = undefined;
      stats.nodeStates = undefined;
    };
  }

  /** Starts serving (and the heartbeat and metrics:update timers); the bound address. */
  async start(): Promise<AddressInfo> {
    await this.registry();
    const address = await this.#server.start();
    this.#timers.push(setInterval(() => (this.#liveness.lastBeat = performance.now()), HEARTBEAT_MS).unref());
    this.#timers.push(setInterval(() => this.#publishMetrics(), this.#options.metricsIntervalMs ?? 1000).unref());
    return address;
  }

  get address(): AddressInfo | undefined {
    return this.#server.address;
  }

  /** Stops the timers and the server, ending every event stream (idempotent). */
  async close(): Promise<void> {
    for (const timer of this.#timers.splice(0)) clearInterval(timer);
    await this.#server.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  #publishMetrics(): void {
    if (!this.events.accepts('metrics:update')) return;
    for (const [namespace, metrics] of Object.entries(this.metrics.snapshot())) this.events.publish({ type: 'metrics:update', namespace, metrics });
  }
}
