import type { Redis } from 'ioredis';
import { v7 as uuidv7 } from 'uuid';
import { WeftError } from '../../../src/index.ts';
import type { OutgoingFrame } from './frame.ts';

/** What engines tell each other over the bus. */
export type ClusterMessage =
  | { readonly kind: 'send'; readonly ids: readonly string[]; readonly frame: OutgoingFrame }
  | { readonly kind: 'room'; readonly room: string; readonly except?: string; readonly frame: OutgoingFrame }
  | { readonly kind: 'join' | 'leave'; readonly room: string; readonly id: string };

/** Receives the messages other engines publish. */
export type ClusterReceiver = (message: ClusterMessage) => void;

interface Wire {
  o: string;
  k: ClusterMessage['kind'];
  i?: readonly string[];
  r?: string;
  x?: string;
  b?: boolean;
  d?: string;
}

const CONNECT_TIMEOUT_MS = 5000;
const options = { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: (times: number) => Math.min(times * 100, 2000) };

/**
 * Redis pub/sub between the engines of one namespace that share a `cluster` URL: one channel
 * per namespace, one publishing and one subscribed connection per engine and URL. Messages
 * carry the publishing engine's id; an engine ignores its own. Delivery is at most once:
 * pub/sub keeps nothing for an engine that is not subscribed.
 */
export class ClusterBus {
  readonly url: string;
  readonly origin = uuidv7();
  readonly #channel: string;
  readonly #receiver: ClusterReceiver;
  /** Made on first connect, when ioredis is loaded (an engine without a cluster never loads it). */
  #clients: { readonly pub: Redis; readonly sub: Redis } | undefined;
  #closed = false;
  #ready: Promise<void> | undefined;
  /** Messages published, and received from other engines. */
  published = 0;
  received = 0;

  constructor(url: string, namespace: string, receiver: ClusterReceiver) {
    this.url = url;
    this.#channel = `weft:ws:${namespace}`;
    this.#receiver = receiver;
  }

  /** Connects and subscribes (once); ERR_WS_CLUSTER_UNAVAILABLE when Redis does not answer in time. */
  ready(): Promise<void> {
    return (this.#ready ??= this.#connect());
  }

  /** Publishes a message to the other engines (fire and forget: a lost message is a lost frame, as is one sent before the first connect). */
  publish(message: ClusterMessage): void {
    const pub = this.#clients?.pub;
    if (pub === undefined) return;
    const wire: Wire = { o: this.origin, k: message.kind };
    if (message.kind === 'send') wire.i = message.ids;
    else wire.r = message.room;
    if (message.kind === 'room' && message.except !== undefined) wire.x = message.except;
    if (message.kind === 'join' || message.kind === 'leave') wire.i = [message.id];
    if (message.kind === 'send' || message.kind === 'room') {
      wire.b = message.frame.binary;
      wire.d = message.frame.binary ? (message.frame.data as Buffer).toString('base64') : (message.frame.data as string);
    }
    this.published++;
    void pub.publish(this.#channel, JSON.stringify(wire)).catch(() => undefined);
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#clients?.pub.disconnect();
    this.#clients?.sub.disconnect();
    await Promise.resolve();
  }

  async #open(): Promise<{ readonly pub: Redis; readonly sub: Redis }> {
    const { Redis } = await import('ioredis');
    if (this.#closed) throw new Error('the cluster bus closed');
    if (this.#clients !== undefined) return this.#clients;
    const pub = new Redis(this.url, options);
    const sub = new Redis(this.url, options);
    pub.on('error', () => undefined);
    sub.on('error', () => undefined);
    sub.on('messageBuffer', (_channel: Buffer, raw: Buffer) => this.#receive(raw));
    return (this.#clients = { pub, sub });
  }

  async #connect(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${CONNECT_TIMEOUT_MS} ms`)), CONNECT_TIMEOUT_MS)));
    try {
      const connecting = this.#open().then(async ({ pub, sub }) => {
        await Promise.all([pub.connect(), sub.connect()]);
        await sub.subscribe(this.#channel);
      });
      await Promise.race([connecting, late]);
    } catch (thrown) {
      this.#ready = undefined;
      throw new WeftError('ERR_WS_CLUSTER_UNAVAILABLE', { url: redact(this.url), reason: thrown instanceof Error ? thrown.message : String(thrown) }, { cause: thrown });
    } finally {
      clearTimeout(timer);
    }
  }

  #receive(raw: Buffer): void {
    let wire: Wire;
    try {
      wire = JSON.parse(raw.toString('utf8')) as Wire;
    } catch {
      return;
    }
    if (wire.o === this.origin) return;
    this.received++;
    const frame = (): OutgoingFrame => {
      const data = wire.b === true ? Buffer.from(wire.d ?? '', 'base64') : (wire.d ?? '');
      return { binary: wire.b === true, data, size: typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength };
    };
    if (wire.k === 'send' && Array.isArray(wire.i)) this.#receiver({ kind: 'send', ids: wire.i, frame: frame() });
    else if (wire.k === 'room' && typeof wire.r === 'string') this.#receiver({ kind: 'room', room: wire.r, ...(wire.x === undefined ? {} : { except: wire.x }), frame: frame() });
    else if ((wire.k === 'join' || wire.k === 'leave') && typeof wire.r === 'string' && typeof wire.i?.[0] === 'string') this.#receiver({ kind: wire.k, room: wire.r, id: wire.i[0] });
  }
}

/** The URL with its password replaced by `***`. */
export function redact(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/@:]*):[^/@]*@/i, '$1:***@');
}
