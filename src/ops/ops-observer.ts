import type { LoaderEvent } from '../loader/index.ts';
import type { Packet } from '../packet/index.ts';
import type { Process } from '../process/index.ts';
import type { RuntimeObserver } from '../runtime/index.ts';
import type { LinkProbe, ObservedLink } from '../symbol/index.ts';
import type { EventBus } from './event-bus.ts';
import type { NamespaceStats } from './namespace-stats.ts';
import type { NodeStats } from './node-stats.ts';
import type { OpsMetrics } from './ops-metrics.ts';
import { previewValue } from './preview-value.ts';

/** The root of a process (events name the root process: the request, the message). */
function rootOf(process: Process): Process {
  let root = process;
  while (root.parent !== undefined) root = root.parent;
  return root;
}

/**
 * One hop in LATENCY_SAMPLE per link is timed (the first one always): two clock reads per hop
 * cost more than the hop itself (bench:kernel, chain-observed). Counts are never sampled.
 */
const LATENCY_SAMPLE = 16;

/** Counts one link's hops, times a sample of them and, while someone subscribes, publishes them as port:emit. */
class OpsProbe implements LinkProbe {
  readonly #link: ObservedLink;
  #hops = 0;
  readonly #source: NodeStats;
  readonly #target: NodeStats;
  readonly #observer: OpsObserver;

  constructor(link: ObservedLink, source: NodeStats, target: NodeStats, observer: OpsObserver) {
    this.#link = link;
    this.#source = source;
    this.#target = target;
    this.#observer = observer;
  }

  enter(process: Process, packet: Packet): number {
    this.#source.packetsOut++;
    this.#target.packetsIn++;
    this.#target.inFlight++;
    if (this.#observer.bus.accepts('port:emit')) this.#observer.emitted(this.#link, process, packet);
    return this.#hops++ % LATENCY_SAMPLE === 0 ? performance.now() : -1;
  }

  leave(process: Process, reply: Packet, token: unknown): void {
    const target = this.#target;
    target.inFlight--;
    if ((token as number) >= 0) target.observe(performance.now() - (token as number));
    const payload = reply.payload;
    if (payload instanceof Error) this.#observer.failed(this.#link, target, process, payload);
  }
}

/** Options of an OpsObserver. */
export interface OpsObserverOptions {
  readonly namespace: string;
  readonly metrics: OpsMetrics;
  readonly bus: EventBus;
  /** The longest a port:emit value is, as JSON, before it is cut (default 1024 characters). */
  readonly maxValueLength?: number;
}

/**
 * The ops plane's RuntimeObserver for one namespace: bumps the node and namespace counters of
 * OpsMetrics on every hop and process, and builds events only while the bus has a subscriber
 * for their type. An error reply counts once, at the innermost node that answered it (the hops
 * upstream see the same Error object come back and do not count it again).
 */
export class OpsObserver implements RuntimeObserver {
  readonly namespace: string;
  readonly metrics: OpsMetrics;
  readonly bus: EventBus;
  readonly #stats: NamespaceStats;
  readonly #maxValueLength: number;
  readonly #counted = new WeakSet<Error>();
  readonly #loaded = new Set<string>();

  constructor(options: OpsObserverOptions) {
    this.namespace = options.namespace;
    this.metrics = options.metrics;
    this.bus = options.bus;
    this.#stats = options.metrics.namespace(options.namespace);
    this.#maxValueLength = options.maxValueLength ?? 1024;
  }

  probe(link: ObservedLink): LinkProbe {
    const source = this.metrics.node(link.namespace, link.source.node, link.source.kind);
    const target = this.metrics.node(link.namespace, link.target.node, link.target.kind);
    return new OpsProbe(link, source, target, this);
  }

  started(process: Process): void {
    this.#stats.processesStarted++;
    if (this.bus.accepts('process:start')) this.bus.publish({ type: 'process:start', namespace: this.namespace, process: process.id });
  }

  ended(process: Process, durationMs: number): void {
    this.#stats.processesEnded++;
    if (!this.bus.accepts('process:end')) return;
    const error = process.error;
    this.bus.publish({ type: 'process:end', namespace: this.namespace, process: process.id, durationMs, ...(error === undefined ? {} : { error: errorOf(error) }) });
  }

  loaderEvent(event: LoaderEvent): void {
    if (event.type === 'loaded') {
      if (this.#loaded.has(event.id)) this.#stats.reloads++;
      else this.#loaded.add(event.id);
      this.bus.publish({ type: 'node:loaded', namespace: this.namespace, node: event.name ?? event.id, id: event.id, revision: event.revision, state: event.state });
    } else if (event.type === 'failed') {
      this.#stats.failedLoads++;
      this.bus.publish({ type: 'node:failed', namespace: this.namespace, node: event.name ?? event.id, id: event.id, error: errorOf(event.error), attempt: event.attempt, retryInMs: event.retryInMs });
    } else if (event.type === 'removed') {
      this.#loaded.delete(event.id);
    }
  }

  /** Publishes one hop (called by the probe only while the bus is active). */
  emitted(link: ObservedLink, process: Process, packet: Packet): void {
    this.bus.publish({
      type: 'port:emit',
      namespace: this.namespace,
      node: link.target.node,
      process: rootOf(process).id,
      source: { node: link.source.node, port: link.source.port },
      target: { node: link.target.node, port: link.target.port },
      value: previewValue(packet.payload, this.#maxValueLength),
    });
  }

  /** Counts an error reply at the innermost node that gave it, and publishes node:error. */
  failed(link: ObservedLink, target: NodeStats, process: Process, error: Error): void {
    if (this.#counted.has(error)) return;
    this.#counted.add(error);
    target.errors++;
    const root = rootOf(process).id;
    target.recordError({ ...errorOf(error), process: root });
    if (this.bus.accepts('node:error')) this.bus.publish({ type: 'node:error', namespace: this.namespace, node: link.target.node, process: root, error: errorOf(error) });
  }
}

function errorOf(error: Error): { code?: string; message: string } {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? { code, message: error.message } : { message: error.message };
}
