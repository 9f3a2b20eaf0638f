import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import mqtt, { type IClientOptions, type IPublishPacket, type MqttClient } from 'mqtt';
import type { Broker, Delivery, OpenBroker, OutgoingMessage, QueueDepth, SubscribeOptions, Subscription } from './broker.ts';
import { headerAttempt, HEADER } from '../message.ts';
import { Arrivals } from './arrivals.ts';

/** How long a consumer's session outlives its connection on the broker (a day). */
const SESSION_EXPIRY_S = 86_400;

const base: IClientOptions = { protocolVersion: 5, connectTimeout: 2000, reconnectPeriod: 0 };

/**
 * `mqtt://` and `mqtts://` (mqtt.js, MQTT 5, QoS 1): a queue is a topic. Each consumer has a
 * persistent session (client id from group, host and topic; kept a day), so messages published
 * while it is away wait for it. MQTT acknowledges a message when it is received, so from then
 * on the engine holds it: a retry waits in the engine and is published again with `weft-attempt`
 * one higher, messages fetched but not run are published again at a stop, and a crash loses
 * the messages it held (at most concurrency + prefetch). The broker has no queue depth.
 */
class MqttBroker implements Broker {
  readonly #url: string;
  readonly #client: MqttClient;
  readonly #retries = new Map<NodeJS.Timeout, { queue: string; message: OutgoingMessage }>();

  constructor(url: string, client: MqttClient) {
    this.#url = url;
    this.#client = client;
  }

  async publish(queue: string, message: OutgoingMessage): Promise<string> {
    const { [HEADER.contentType]: contentType, ...userProperties } = message.headers;
    await this.#client.publishAsync(queue, Buffer.from(message.body), { qos: 1, properties: { userProperties, ...(contentType === undefined ? {} : { contentType }) } });
    return message.headers[HEADER.id] ?? '';
  }

  /** Publishes a message again after `delayMs` (a retry kept in the engine; flushed at close). */
  later(queue: string, message: OutgoingMessage, delayMs: number): Promise<void> {
    if (delayMs <= 0) return this.publish(queue, message).then(() => undefined);
    const timer = setTimeout(() => {
      this.#retries.delete(timer);
      void this.publish(queue, message).catch(() => undefined);
    }, delayMs);
    this.#retries.set(timer, { queue, message });
    return Promise.resolve();
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    const clientId = `weft-${options.group}-${hostname()}-${options.queue}`.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 120);
    const client = await mqtt.connectAsync(this.#url, {
      ...base, clientId, clean: false, properties: { sessionExpiryInterval: SESSION_EXPIRY_S, receiveMaximum: Math.min(65_535, options.window) },
    }, false);
    const subscription = new MqttSubscription(this, client, options);
    try {
      await client.subscribeAsync(options.queue, { qos: 1 });
    } catch (thrown) {
      await client.endAsync(true).catch(() => undefined);
      throw thrown;
    }
    return subscription;
  }

  depth(): Promise<QueueDepth> {
    return Promise.resolve({});
  }

  async close(): Promise<void> {
    const pending = [...this.#retries];
    this.#retries.clear();
    for (const [timer] of pending) clearTimeout(timer);
    await Promise.allSettled(pending.map(([, { queue, message }]) => this.publish(queue, message)));
    await this.#client.endAsync().catch(() => undefined);
  }
}

class MqttSubscription implements Subscription {
  readonly #broker: MqttBroker;
  readonly #client: MqttClient;
  readonly #options: SubscribeOptions;
  readonly #arrivals = new Arrivals<IPublishPacket>();
  #withheld: (() => void) | undefined;

  constructor(broker: MqttBroker, client: MqttClient, options: SubscribeOptions) {
    this.#broker = broker;
    this.#client = client;
    this.#options = options;
    client.on('error', () => undefined);
    client.on('close', () => this.#arrivals.fail(new Error('the MQTT connection closed')));
    // The PUBACK goes out when `done` is called: withholding it while full is the flow control.
    client.handleMessage = (packet, done) => {
      if (this.#arrivals.stopped) return;
      this.#arrivals.push(packet);
      if (this.#arrivals.items.length < options.window) done();
      else this.#withheld = () => done();
    };
  }

  async receive(max: number): Promise<Delivery[]> {
    const taken = await this.#arrivals.take(max);
    const withheld = this.#withheld;
    this.#withheld = undefined;
    withheld?.();
    return taken.map((packet) => this.#delivery(packet));
  }

  /** Ends the session's connection (kept on the broker); fetched messages are published again. */
  async stop(): Promise<void> {
    if (this.#arrivals.stopped) return;
    const held = this.#arrivals.stop();
    // The message whose PUBACK was withheld is redelivered by the broker with the session.
    const last = this.#withheld === undefined ? undefined : held.pop();
    void last;
    await Promise.allSettled(held.map((packet) => this.#delivery(packet).nack(0, false)));
    await this.#client.endAsync(true).catch(() => undefined);
  }

  #delivery(packet: IPublishPacket): Delivery {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(packet.properties?.userProperties ?? {})) {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
    }
    if (packet.properties?.contentType !== undefined) headers[HEADER.contentType] = packet.properties.contentType;
    const body = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
    const attempt = headerAttempt(headers);
    const id = headers[HEADER.id] ?? randomUUID();
    return {
      brokerId: id,
      body,
      headers,
      attempt,
      ack: () => Promise.resolve(),
      nack: (delayMs, failed) => this.#broker.later(this.#options.queue, {
        body,
        headers: { ...headers, [HEADER.id]: id, [HEADER.attempt]: String(attempt + (failed ? 1 : 0)) },
      }, delayMs),
    };
  }
}

/** Connects the broker's publishing client (rejects when it cannot); consumers get their own. */
export const open: OpenBroker = async (url) => {
  const client = await mqtt.connectAsync(url, { ...base, reconnectPeriod: 1000, clientId: `weft-pub-${randomUUID()}` }, false);
  client.on('error', () => undefined);
  return new MqttBroker(url, client);
};
