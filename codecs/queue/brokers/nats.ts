import { connect, headers as natsHeaders, nanos, type NatsConnection } from '@nats-io/transport-node';
import {
  AckPolicy, jetstream, jetstreamManager, RetentionPolicy,
  type ConsumerMessages, type JetStreamClient, type JetStreamManager, type JsMsg,
} from '@nats-io/jetstream';
import type { Broker, Delivery, OpenBroker, OutgoingMessage, QueueDepth, SubscribeOptions, Subscription } from './broker.ts';
import { HEADER } from '../message.ts';
import { AckBatcher } from './ack-batcher.ts';
import { Arrivals } from './arrivals.ts';

/** A JetStream stream name for a subject (names cannot hold `.`, `*`, `>` or spaces). */
function streamName(subject: string): string {
  return subject.replace(/[.*>\s/\\]/g, '_');
}

/**
 * `nats://` (@nats-io/transport-node + @nats-io/jetstream): a queue is a subject in a
 * JetStream stream (found by subject, or created with work-queue retention), read by a durable
 * pull consumer named after the group. Ack and nack are JetStream's own (`nak(delay)` for a
 * retry); `attempt` is the server's delivery count; a message held by an engine that died is
 * redelivered after `ack_wait` (= `redeliverAfter`); messages still running are kept alive
 * with `working()`.
 */
class NatsBroker implements Broker {
  readonly #connection: NatsConnection;
  readonly #js: JetStreamClient;
  readonly #jsm: JetStreamManager;
  readonly #streams = new Map<string, Promise<string>>();

  constructor(connection: NatsConnection, jsm: JetStreamManager) {
    this.#connection = connection;
    this.#jsm = jsm;
    this.#js = jetstream(connection);
  }

  /** The stream holding `subject`, created (work queue, file storage) when there is none. */
  stream(subject: string): Promise<string> {
    let found = this.#streams.get(subject);
    if (found === undefined) {
      found = this.#jsm.streams.find(subject).catch(async () => {
        const name = streamName(subject);
        await this.#jsm.streams.add({ name, subjects: [subject], retention: RetentionPolicy.Workqueue });
        return name;
      });
      found.catch(() => this.#streams.delete(subject));
      this.#streams.set(subject, found);
    }
    return found;
  }

  async publish(queue: string, message: OutgoingMessage): Promise<string> {
    await this.stream(queue);
    const headers = natsHeaders();
    for (const [name, value] of Object.entries(message.headers)) headers.set(name, value);
    const id = message.headers[HEADER.id];
    const ack = await this.#js.publish(queue, message.body, id === undefined ? { headers } : { headers, msgID: id });
    return String(ack.seq);
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    const stream = await this.stream(options.queue);
    const config = { ack_wait: nanos(options.redeliverAfterMs), max_ack_pending: Math.max(1000, options.window) };
    try {
      await this.#jsm.consumers.update(stream, options.group, config);
    } catch {
      await this.#jsm.consumers.add(stream, {
        ...config, durable_name: options.group, ack_policy: AckPolicy.Explicit, max_deliver: -1, filter_subject: options.queue,
      });
    }
    const consumer = await this.#js.consumers.get(stream, options.group);
    const messages = await consumer.consume({ max_messages: options.window });
    return new NatsSubscription(messages, options);
  }

  async depth(queue: string, group: string): Promise<QueueDepth> {
    const info = await this.#jsm.consumers.info(await this.stream(queue), group);
    return { pending: info.num_pending };
  }

  async close(): Promise<void> {
    await this.#connection.drain().catch(() => this.#connection.close());
  }
}

class NatsSubscription implements Subscription {
  readonly #messages: ConsumerMessages;
  readonly #window: number;
  readonly #arrivals = new Arrivals<JsMsg>();
  readonly #held = new Set<JsMsg>();
  /** Acks of one event-loop turn go out together: nats.js writes them in one socket write. */
  readonly #acks = new AckBatcher<JsMsg>((batch) => {
    for (const message of batch) message.ack();
    return Promise.resolve();
  });
  readonly #timer: NodeJS.Timeout;
  #room: (() => void) | undefined;

  constructor(messages: ConsumerMessages, options: SubscribeOptions) {
    this.#messages = messages;
    this.#window = options.window;
    this.#timer = setInterval(() => {
      for (const message of this.#held) message.working();
    }, Math.max(500, Math.floor(options.redeliverAfterMs / 2)));
    this.#timer.unref();
    void this.#pump();
  }

  async #pump(): Promise<void> {
    try {
      for await (const message of this.#messages) {
        if (this.#arrivals.stopped) {
          message.nak();
          continue;
        }
        this.#arrivals.push(message);
        if (this.#arrivals.items.length >= this.#window) await new Promise<void>((resolve) => (this.#room = resolve));
      }
      if (!this.#arrivals.stopped) this.#arrivals.fail(new Error('the JetStream consumer stopped'));
    } catch (thrown) {
      this.#arrivals.fail(thrown instanceof Error ? thrown : new Error(String(thrown)));
    }
  }

  async receive(max: number): Promise<Delivery[]> {
    const taken = await this.#arrivals.take(max);
    this.#room?.();
    this.#room = undefined;
    return taken.map((message) => this.#delivery(message));
  }

  async stop(): Promise<void> {
    if (this.#arrivals.stopped) return;
    clearInterval(this.#timer);
    const unread = this.#arrivals.stop();
    this.#room?.();
    for (const message of unread) message.nak();
    await this.#acks.flush();
    await this.#messages.close().catch(() => undefined);
  }

  #delivery(message: JsMsg): Delivery {
    const headers: Record<string, string> = {};
    if (message.headers !== undefined) {
      for (const name of message.headers.keys()) headers[name.toLowerCase()] = message.headers.get(name);
    }
    this.#held.add(message);
    return {
      brokerId: String(message.seq),
      body: message.data,
      headers,
      attempt: message.info.deliveryCount,
      ack: () => {
        this.#held.delete(message);
        return this.#acks.add(message);
      },
      nack: (delayMs) => {
        this.#held.delete(message);
        message.nak(delayMs > 0 ? delayMs : undefined);
        return Promise.resolve();
      },
    };
  }
}

/** Connects to NATS (rejects when it cannot); the client reconnects by itself afterwards. */
export const open: OpenBroker = async (url) => {
  const parsed = new URL(url);
  const connection = await connect({
    servers: `${parsed.hostname}:${parsed.port || '4222'}`,
    ...(parsed.username === '' ? {} : { user: decodeURIComponent(parsed.username), pass: decodeURIComponent(parsed.password) }),
    maxReconnectAttempts: -1,
    timeout: 2000,
  });
  try {
    return new NatsBroker(connection, await jetstreamManager(connection));
  } catch (thrown) {
    await connection.close();
    throw thrown;
  }
};
