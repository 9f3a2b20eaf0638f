import amqp from 'amqplib';
import type { Channel, ChannelModel, ConfirmChannel, ConsumeMessage } from 'amqplib';
import type { Broker, Delivery, OpenBroker, OutgoingMessage, QueueDepth, SubscribeOptions, Subscription } from './broker.ts';
import { headerAttempt, HEADER } from '../message.ts';
import { Arrivals } from './arrivals.ts';

interface Connection {
  readonly model: ChannelModel;
  readonly confirm: ConfirmChannel;
  readonly declared: Map<string, Promise<unknown>>;
}

/** The queue that holds a queue's retries for `delayMs` before they dead-letter back into it. */
function retryQueue(queue: string, delayMs: number): string {
  return `${queue}.weft-retry.${delayMs}`;
}

/**
 * `amqp://` and `amqps://` (amqplib): a queue is a durable RabbitMQ queue; messages are
 * persistent and publishes confirmed. Ack and nack are RabbitMQ's; a retry is published to
 * `QUEUE.weft-retry.MS` (a queue whose message TTL is the delay and whose dead-letter route
 * leads back to QUEUE) with `weft-attempt` one higher, then the original is acked; prefetch is
 * the channel's. Messages an engine held come back to the queue when its connection drops.
 */
class AmqpBroker implements Broker {
  readonly #url: string;
  #connection: Promise<Connection> | undefined;

  constructor(url: string, first: Connection) {
    this.#url = url;
    this.#watch(first);
    this.#connection = Promise.resolve(first);
  }

  #watch(connection: Connection): void {
    const forget = (): void => {
      if (this.#connection !== undefined) void this.#connection.then((current) => current === connection && (this.#connection = undefined));
    };
    connection.model.on('close', forget);
    connection.confirm.on('close', forget);
  }

  /** The live connection, opened again after it was lost. */
  connection(): Promise<Connection> {
    this.#connection ??= connectTo(this.#url).then((connection) => {
      this.#watch(connection);
      return connection;
    });
    this.#connection.catch(() => (this.#connection = undefined));
    return this.#connection;
  }

  async declare(connection: Connection, queue: string, options: amqp.Options.AssertQueue = { durable: true }): Promise<void> {
    let declared = connection.declared.get(queue);
    if (declared === undefined) {
      declared = connection.confirm.assertQueue(queue, options);
      declared.catch(() => connection.declared.delete(queue));
      connection.declared.set(queue, declared);
    }
    await declared;
  }

  async publish(queue: string, message: OutgoingMessage): Promise<string> {
    const connection = await this.connection();
    await this.declare(connection, queue);
    return await send(connection.confirm, queue, message);
  }

  async retry(queue: string, delayMs: number, message: OutgoingMessage): Promise<void> {
    const connection = await this.connection();
    const target = retryQueue(queue, delayMs);
    await this.declare(connection, target, {
      durable: true,
      arguments: { 'x-message-ttl': delayMs, 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': queue },
    });
    await send(connection.confirm, target, message);
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    const connection = await this.connection();
    await this.declare(connection, options.queue);
    const channel = await connection.model.createChannel();
    try {
      await channel.prefetch(options.window);
      return await AmqpSubscription.start(this, channel, options);
    } catch (thrown) {
      await channel.close().catch(() => undefined);
      throw thrown;
    }
  }

  async depth(queue: string): Promise<QueueDepth> {
    const connection = await this.connection();
    const reply = await connection.confirm.assertQueue(queue, { durable: true });
    return { pending: reply.messageCount };
  }

  async close(): Promise<void> {
    const connection = await this.#connection?.catch(() => undefined);
    this.#connection = undefined;
    await connection?.model.close().catch(() => undefined);
  }
}

class AmqpSubscription implements Subscription {
  readonly #broker: AmqpBroker;
  readonly #channel: Channel;
  readonly #queue: string;
  readonly #arrivals = new Arrivals<ConsumeMessage>();
  #held = 0;
  #tag = '';

  private constructor(broker: AmqpBroker, channel: Channel, queue: string) {
    this.#broker = broker;
    this.#channel = channel;
    this.#queue = queue;
    channel.on('error', () => undefined);
    channel.on('close', () => this.#fail(new Error('the RabbitMQ channel closed')));
  }

  static async start(broker: AmqpBroker, channel: Channel, options: SubscribeOptions): Promise<AmqpSubscription> {
    const subscription = new AmqpSubscription(broker, channel, options.queue);
    const reply = await channel.consume(options.queue, (message) => subscription.#deliver(message), { noAck: false });
    subscription.#tag = reply.consumerTag;
    return subscription;
  }

  #deliver(message: ConsumeMessage | null): void {
    if (message === null) this.#fail(new Error('the RabbitMQ consumer was cancelled'));
    else if (this.#arrivals.stopped) this.#channel.nack(message, false, true);
    else this.#arrivals.push(message);
  }

  /** Messages of a failed channel cannot be acked (RabbitMQ requeues them): they are dropped here. */
  #fail(error: Error): void {
    this.#arrivals.items.length = 0;
    this.#arrivals.fail(error);
  }

  async receive(max: number): Promise<Delivery[]> {
    return (await this.#arrivals.take(max)).map((message) => this.#delivery(message));
  }

  /** Cancels the consumer; the channel (whose close would requeue what still runs) closes once nothing is held. */
  async stop(): Promise<void> {
    if (this.#arrivals.stopped) return;
    for (const message of this.#arrivals.stop()) this.#channel.nack(message, false, true);
    if (this.#arrivals.failure === undefined) await this.#channel.cancel(this.#tag).catch(() => undefined);
    this.#closeWhenIdle();
  }

  #closeWhenIdle(): void {
    if (this.#arrivals.stopped && this.#held === 0 && this.#arrivals.failure === undefined) void this.#channel.close().catch(() => undefined);
  }

  #delivery(message: ConsumeMessage): Delivery {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(message.properties.headers ?? {})) {
      if (value !== undefined && value !== null) headers[name.toLowerCase()] = typeof value === 'object' ? JSON.stringify(value) : String(value);
    }
    if (typeof message.properties.contentType === 'string') headers[HEADER.contentType] = message.properties.contentType;
    this.#held++;
    let settled = false;
    const settle = (work: () => Promise<void> | void): Promise<void> => {
      if (settled) return Promise.resolve();
      settled = true;
      return Promise.resolve()
        .then(work)
        .finally(() => {
          this.#held--;
          this.#closeWhenIdle();
        });
    };
    const attempt = headerAttempt(headers);
    return {
      brokerId: typeof message.properties.messageId === 'string' ? message.properties.messageId : `${this.#queue}#${message.fields.deliveryTag}`,
      body: message.content,
      headers,
      attempt,
      ack: () => settle(() => this.#channel.ack(message)),
      nack: (delayMs, failed) => settle(async () => {
        if (delayMs <= 0 && !failed) {
          this.#channel.nack(message, false, true);
          return;
        }
        const again = { ...headers, [HEADER.id]: headers[HEADER.id] ?? String(message.properties.messageId ?? ''), [HEADER.attempt]: String(attempt + (failed ? 1 : 0)) };
        await this.#broker.retry(this.#queue, Math.max(1, Math.round(delayMs)), { body: message.content, headers: again });
        this.#channel.ack(message);
      }),
    };
  }
}

/** Publishes with a confirmation; the content type and id travel as AMQP properties too. */
function send(channel: ConfirmChannel, queue: string, message: OutgoingMessage): Promise<string> {
  const { [HEADER.contentType]: contentType, ...headers } = message.headers;
  const id = message.headers[HEADER.id];
  return new Promise((resolve, reject) => {
    channel.sendToQueue(queue, Buffer.from(message.body), { persistent: true, headers, contentType, messageId: id }, (error: unknown) => {
      if (error) reject(error instanceof Error ? error : new Error(String(error)));
      else resolve(id ?? '');
    });
  });
}

async function connectTo(url: string): Promise<Connection> {
  const model = await amqp.connect(url, { timeout: 2000 });
  model.on('error', () => undefined);
  try {
    const confirm = await model.createConfirmChannel();
    confirm.on('error', () => undefined);
    return { model, confirm, declared: new Map() };
  } catch (thrown) {
    await model.close().catch(() => undefined);
    throw thrown;
  }
}

/** Connects to RabbitMQ (rejects when it cannot); a lost connection is opened again on next use. */
export const open: OpenBroker = async (url) => new AmqpBroker(url, await connectTo(url));
