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
 * while it is away wait for it. A message is acknowledged (PUBACK) once it is settled, in the
 * order the messages came, so the broker gives what an engine held when it died to the session
 * again when it comes back (at-least-once). A retry waits in the engine and is published again
 * with `weft-attempt` one higher (a crash loses the retries waiting); messages fetched but not
 * run are published again at a stop. A replacement consumer takes the session over, so the
 * messages the old one still ran may come again. The broker has no queue depth.
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
    const client = mqtt.connect(this.#url, {
      ...base, clientId, clean: false, properties: { sessionExpiryInterval: SESSION_EXPIRY_S, receiveMaximum: Math.min(65_535, options.window) },
    });
    // Before the connection is up: a resumed session's unacknowledged messages come right after CONNACK.
    const subscription = new MqttSubscription(this, client, options);
    try {
      await new Promise<void>((resolve, reject) => {
        const fail = (error?: Error): void => {
          client.off('connect', up);
          reject(error ?? new Error("Couldn't connect to server"));
        };
        const up = (): void => {
          client.off('error', fail).off('close', fail);
          resolve();
        };
        client.once('connect', up).once('error', fail).once('close', fail);
      });
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

/** mqtt.js's packet writer (not in its typings): how a PUBACK goes out. */
type SendPacket = (packet: { cmd: string; messageId?: number; reasonCode?: number }, callback?: (error?: Error) => void, ...rest: unknown[]) => void;

/**
 * mqtt.js sends a message's PUBACK when its handler calls back, and reads nothing more until
 * then; so the callback is called at once (reading goes on) and the PUBACK itself is held back
 * here until the message is settled, sent in the order the messages came (MQTT wants them so):
 * the broker keeps what is not acknowledged, gives it again to the session after a crash, and
 * sends at most `receiveMaximum` (the window) unacknowledged at once, which is the flow control.
 */
class MqttSubscription implements Subscription {
  readonly #broker: MqttBroker;
  readonly #client: MqttClient;
  readonly #options: SubscribeOptions;
  readonly #arrivals = new Arrivals<IPublishPacket>();
  readonly #send: SendPacket;
  /** Message ids in arrival order, with whether each is settled, until their PUBACK is sent. */
  readonly #unacked: { readonly messageId: number; settled: boolean }[] = [];
  #held = 0;
  #ending = false;

  constructor(broker: MqttBroker, client: MqttClient, options: SubscribeOptions) {
    this.#broker = broker;
    this.#client = client;
    this.#options = options;
    const internal = client as unknown as { _sendPacket: SendPacket };
    const send = internal._sendPacket.bind(client);
    this.#send = send;
    internal._sendPacket = (packet, callback, ...rest) => {
      // Held back: sent by #acknowledge once the message is settled.
      if (packet.cmd === 'puback') callback?.();
      else send(packet, callback, ...rest);
    };
    client.on('error', () => undefined);
    client.on('close', () => this.#arrivals.fail(new Error('the MQTT connection closed')));
    client.handleMessage = (packet, done) => {
      if (packet.qos > 0 && packet.messageId !== undefined) this.#unacked.push({ messageId: packet.messageId, settled: false });
      if (this.#arrivals.stopped) void this.#delivery(packet).nack(0, false);
      else this.#arrivals.push(packet);
      done();
    };
  }

  async receive(max: number): Promise<Delivery[]> {
    return (await this.#arrivals.take(max)).map((packet) => this.#delivery(packet));
  }

  /** Stops taking messages; fetched ones are published again; the connection ends once nothing is held. */
  async stop(): Promise<void> {
    if (this.#arrivals.stopped) return;
    const unread = this.#arrivals.stop();
    await Promise.allSettled(unread.map((packet) => this.#delivery(packet).nack(0, false)));
    this.#ending = true;
    await this.#endWhenIdle();
  }

  async #endWhenIdle(): Promise<void> {
    if (this.#ending && this.#held === 0) await this.#client.endAsync().catch(() => undefined);
  }

  /** Marks a message settled and sends the PUBACKs now due, oldest first. */
  #acknowledge(messageId: number | undefined): void {
    const entry = messageId === undefined ? undefined : this.#unacked.find((candidate) => candidate.messageId === messageId && !candidate.settled);
    if (entry !== undefined) entry.settled = true;
    let due = 0;
    while (due < this.#unacked.length && this.#unacked[due]!.settled) due++;
    for (const { messageId: id } of this.#unacked.splice(0, due)) this.#send({ cmd: 'puback', messageId: id, reasonCode: 0 });
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
    this.#held++;
    let settled = false;
    const settle = async (work: () => Promise<void>): Promise<void> => {
      if (settled) return;
      settled = true;
      try {
        await work();
        this.#acknowledge(packet.messageId);
      } finally {
        this.#held--;
        await this.#endWhenIdle();
      }
    };
    return {
      brokerId: id,
      body,
      headers,
      attempt,
      ack: () => settle(() => Promise.resolve()),
      nack: (delayMs, failed) => settle(() => this.#broker.later(this.#options.queue, {
        body,
        headers: { ...headers, [HEADER.id]: id, [HEADER.attempt]: String(attempt + (failed ? 1 : 0)) },
      }, delayMs)),
    };
  }
}

/** Connects the broker's publishing client (rejects when it cannot); consumers get their own. */
export const open: OpenBroker = async (url) => {
  const client = await mqtt.connectAsync(url, { ...base, reconnectPeriod: 1000, clientId: `weft-pub-${randomUUID()}` }, false);
  client.on('error', () => undefined);
  return new MqttBroker(url, client);
};
