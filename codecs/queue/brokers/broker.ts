/**
 * The contract between the queue kinds and a message broker (the seed's TaskQueue: publish,
 * consume, ack, nack with a retry delay, stats). One adapter per URL scheme, in this folder,
 * loaded lazily (`open-broker.ts`), so a namespace without queues loads no client library.
 */

/** A message to publish: its bytes and its string headers (weft's own are named `weft-…`). */
export interface OutgoingMessage {
  readonly body: Uint8Array;
  readonly headers: Readonly<Record<string, string>>;
}

/** One message handed to a consumer; exactly one of `ack` and `nack` settles it. */
export interface Delivery {
  /** The broker's id of this delivery (a stream entry id, a sequence number, a delivery tag). */
  readonly brokerId: string;
  readonly body: Uint8Array;
  readonly headers: Readonly<Record<string, string>>;
  /** 1 on the first delivery; see each adapter for what counts as a new attempt. */
  readonly attempt: number;
  /** Done with it: the broker forgets it. */
  ack(): Promise<void>;
  /**
   * Gives it back, to be delivered again after `delayMs`. `failed` says whether the attempt
   * failed (the next delivery counts one more attempt) or the consumer let go of it (shutdown).
   */
  nack(delayMs: number, failed: boolean): Promise<void>;
}

/** What a consumer asks for when it subscribes. */
export interface SubscribeOptions {
  readonly queue: string;
  /** The consumer group: consumers of one group share the messages (one gets each). */
  readonly group: string;
  /** The most messages held at once: in flight plus fetched ahead. */
  readonly window: number;
  /** How long a message delivered to an engine that died stays with it before it is redelivered. */
  readonly redeliverAfterMs: number;
  /** A replacement of a consumer still draining: do not take over its unsettled messages. */
  readonly replacing: boolean;
}

/** A running subscription: the consumer pulls from it while it has room. */
export interface Subscription {
  /**
   * Resolves with 1..`max` messages once there are some, or with none after a while (so the
   * caller can look at its state), or when stopped. Rejects when the connection is lost.
   */
  receive(max: number): Promise<Delivery[]>;
  /** Stops fetching; messages fetched but not handed out are given back. Idempotent. */
  stop(): Promise<void>;
}

/** What a broker can tell about a queue; undefined where it cannot tell. */
export interface QueueDepth {
  /** Messages waiting to be delivered (not counting those in flight). */
  readonly pending?: number;
}

/** A connection to one broker URL, shared by the queue nodes of a runtime. */
export interface Broker {
  /** Publishes durably (the broker confirmed it) and resolves with the broker's id. */
  publish(queue: string, message: OutgoingMessage): Promise<string>;
  subscribe(options: SubscribeOptions): Promise<Subscription>;
  depth(queue: string, group: string): Promise<QueueDepth>;
  close(): Promise<void>;
}

/** How a broker is opened from its URL; each adapter module exports one as `open`. */
export type OpenBroker = (url: string) => Promise<Broker>;
