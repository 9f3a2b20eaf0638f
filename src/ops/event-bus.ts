import type { EventFilter, OpsEvent, OpsEventType } from './ops-event.ts';

/**
 * Where a subscriber's events go: `send` queues text (a WebSocket frame), `buffered` says how
 * many bytes are queued and not yet written to the peer.
 */
export interface EventSink {
  send(text: string): void;
  readonly buffered: number;
}

/** Options of an EventBus. */
export interface EventBusOptions {
  /** The most a subscriber may have queued before its events are dropped (default 1 MiB). */
  readonly maxBufferedBytes?: number;
}

/** One connection's subscriptions and its drop count. */
class Subscriber {
  readonly sink: EventSink;
  readonly filters = new Map<string, EventFilter>();
  dropped = 0;

  constructor(sink: EventSink) {
    this.sink = sink;
  }

  wants(event: OpsEvent): boolean {
    for (const filter of this.filters.values()) if (matches(filter, event)) return true;
    return false;
  }
}

/**
 * The ops event stream's fan-out. Producers check `active` before building an event, so
 * emission costs one check while nobody subscribes to that type (`accepts`). Each subscriber is bounded: while
 * its sink holds more than `maxBufferedBytes`, its events are dropped and counted, and the next
 * event it gets is preceded by `{type: "dropped", count}`; a slow subscriber never slows the
 * engine. `publish` is public: other parts of the ops plane (pause/resume) publish through it.
 */
export class EventBus {
  readonly #maxBufferedBytes: number;
  readonly #subscribers = new Set<Subscriber>();
  #active = 0;
  /** Subscriptions that take every type, and those that name each type. */
  #everyType = 0;
  readonly #byType = new Map<OpsEventType, number>();
  /** Per type, whether some subscription takes it (recomputed on every change, read per hop). */
  readonly #accepting: Record<OpsEventType, boolean> = {
    'process:start': false, 'process:end': false, 'port:emit': false, 'node:error': false, 'node:loaded': false,
    'node:failed': false, 'spec:applied': false, 'namespace:paused': false, 'namespace:resumed': false, 'metrics:update': false,
  };
  #seq = 0;

  constructor(options: EventBusOptions = {}) {
    this.#maxBufferedBytes = options.maxBufferedBytes ?? 1024 * 1024;
  }

  /** True while some subscription exists. */
  get active(): boolean {
    return this.#active > 0;
  }

  /** True while some subscription may take events of `type`: producers build an event only then. */
  accepts(type: OpsEventType): boolean {
    return this.#active > 0 && this.#accepting[type];
  }

  /** Sends an event to every subscriber whose filters match it, numbered with the next `seq`. */
  publish(event: OpsEvent): void {
    if (this.#active === 0) return;
    let text: string | undefined;
    for (const subscriber of this.#subscribers) {
      if (subscriber.filters.size === 0 || !subscriber.wants(event)) continue;
      text ??= JSON.stringify({ seq: ++this.#seq, ...event });
      const sink = subscriber.sink;
      if (sink.buffered > this.#maxBufferedBytes) {
        subscriber.dropped++;
        continue;
      }
      if (subscriber.dropped > 0) {
        sink.send(JSON.stringify({ type: 'dropped', count: subscriber.dropped }));
        subscriber.dropped = 0;
      }
      sink.send(text);
    }
  }

  /** Adds a connection; its subscriptions are changed with `subscribe`/`unsubscribe`; call the result when it closes. */
  connect(sink: EventSink): { subscribe(id: string, filter: EventFilter): void; unsubscribe(id?: string): void; close(): void } {
    const subscriber = new Subscriber(sink);
    this.#subscribers.add(subscriber);
    const recount = (change: () => void) => {
      this.#count(subscriber, -1);
      change();
      this.#count(subscriber, 1);
    };
    return {
      subscribe: (id, filter) => recount(() => subscriber.filters.set(id, filter)),
      unsubscribe: (id) => recount(() => (id === undefined ? subscriber.filters.clear() : subscriber.filters.delete(id))),
      close: () => {
        if (!this.#subscribers.delete(subscriber)) return;
        recount(() => subscriber.filters.clear());
      },
    };
  }

  #count(subscriber: Subscriber, sign: 1 | -1): void {
    this.#active += sign * subscriber.filters.size;
    for (const filter of subscriber.filters.values()) {
      if (filter.types === undefined) this.#everyType += sign;
      else for (const type of new Set(filter.types)) this.#byType.set(type, (this.#byType.get(type) ?? 0) + sign);
    }
    for (const type of Object.keys(this.#accepting) as OpsEventType[]) this.#accepting[type] = this.#everyType > 0 || (this.#byType.get(type) ?? 0) > 0;
  }
}

function matches(filter: EventFilter, event: OpsEvent): boolean {
  if (filter.namespace !== undefined && filter.namespace !== event.namespace) return false;
  if (filter.process !== undefined && filter.process !== event.process) return false;
  if (filter.types !== undefined && !filter.types.includes(event.type)) return false;
  if (filter.node !== undefined && filter.node !== event.node && filter.node !== (event.source as { node?: string } | undefined)?.node) return false;
  return true;
}
