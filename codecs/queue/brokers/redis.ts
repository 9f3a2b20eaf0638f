import { hostname } from 'node:os';
import { Redis } from 'ioredis';
import type { Broker, Delivery, OpenBroker, OutgoingMessage, QueueDepth, SubscribeOptions, Subscription } from './broker.ts';
import { headerAttempt, HEADER } from '../message.ts';
import { AckBatcher } from './ack-batcher.ts';

/** How long a blocking read waits before it returns empty (so a stop is noticed). */
const BLOCK_MS = 1000;
/** How often due retries are moved back into the stream. */
const RETRY_POLL_MS = 200;

/** Moves the due members of the retry set (`headers\nbody`) back into the stream, atomically. */
const MOVE_DUE = `
local due = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
for _, member in ipairs(due) do
  local cut = string.find(member, '\\n', 1, true)
  redis.call('XADD', KEYS[1], '*', 'headers', string.sub(member, 1, cut - 1), 'body', string.sub(member, cut + 1))
  redis.call('ZREM', KEYS[2], member)
end
return #due`;

const options = { protocol: 2 as const, lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: (times: number) => Math.min(times * 100, 2000) };

/** The sorted set holding a stream's retries until they are due. */
function retryKey(stream: string): string {
  return `${stream}:weft-retry`;
}

/**
 * `redis://` and `rediss://` (ioredis): a queue is a Redis stream read by a consumer group.
 * Ack = XACK + XDEL (a stream is a work queue); nack = the message goes into a sorted set
 * (`STREAM:weft-retry`) until its delay is up, then back into the stream with `weft-attempt`
 * one higher, all in MULTI or Lua, so a crash loses nothing. Messages a dead consumer held are
 * claimed by the others after `redeliverAfter` (XAUTOCLAIM); an engine that restarts under the
 * same host name takes its own pending messages back at once.
 */
class RedisBroker implements Broker {
  readonly #redis: Redis;
  readonly #acks: AckBatcher<PendingAck>;

  constructor(redis: Redis) {
    this.#redis = redis;
    this.#acks = new AckBatcher(async (batch) => {
      // Grouped by the subscription's target (one object per stream and group): one XACK + XDEL each.
      const byTarget = new Map<AckTarget, string[]>();
      for (const { target, id } of batch) {
        const ids = byTarget.get(target);
        if (ids === undefined) byTarget.set(target, [id]);
        else ids.push(id);
      }
      const multi = this.#redis.multi();
      for (const [{ stream, group }, ids] of byTarget) multi.xack(stream, group, ...ids).xdel(stream, ...ids);
      await multi.exec();
    });
  }

  async publish(queue: string, message: OutgoingMessage): Promise<string> {
    return (await this.#redis.xadd(queue, '*', 'headers', JSON.stringify(message.headers), 'body', Buffer.from(message.body)))!;
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    try {
      await this.#redis.xgroup('CREATE', options.queue, options.group, '0', 'MKSTREAM');
    } catch (thrown) {
      if (!String((thrown as Error).message).startsWith('BUSYGROUP')) throw thrown;
    }
    const blocking = this.#redis.duplicate();
    blocking.on('error', () => undefined);
    try {
      await blocking.connect();
    } catch (thrown) {
      blocking.disconnect();
      throw thrown;
    }
    return new RedisSubscription(this.#redis, blocking, this.#acks, options);
  }

  async depth(queue: string, group: string): Promise<QueueDepth> {
    const [length, pending, delayed] = await Promise.all([
      this.#redis.xlen(queue),
      this.#redis.xpending(queue, group).catch(() => [0]) as Promise<unknown[]>,
      this.#redis.zcard(retryKey(queue)),
    ]);
    return { pending: length - Number(pending[0] ?? 0) + delayed };
  }

  async close(): Promise<void> {
    await this.#acks.flush();
    await this.#redis.quit().catch(() => this.#redis.disconnect());
  }
}

type Entry = [id: Buffer, fields: Buffer[] | null];

/** The stream and group acks go to: one object per subscription. */
interface AckTarget {
  readonly stream: string;
  readonly group: string;
}

interface PendingAck {
  readonly target: AckTarget;
  readonly id: string;
}

class RedisSubscription implements Subscription {
  readonly #redis: Redis;
  readonly #blocking: Redis;
  readonly #acks: AckBatcher<PendingAck>;
  readonly #options: SubscribeOptions;
  readonly #target: AckTarget;
  readonly #consumer: string;
  readonly #held = new Set<string>();
  readonly #claimed = new Map<string, Entry>();
  readonly #timers: NodeJS.Timeout[];
  #history: boolean;
  #stopped = false;
  #failure: Error | undefined;

  constructor(redis: Redis, blocking: Redis, acks: AckBatcher<PendingAck>, options: SubscribeOptions) {
    this.#redis = redis;
    this.#blocking = blocking;
    this.#acks = acks;
    this.#options = options;
    this.#target = { stream: options.queue, group: options.group };
    this.#consumer = `weft@${hostname()}`;
    this.#history = !options.replacing;
    const key = retryKey(options.queue);
    const moveDue = (): void => void this.#redis.eval(MOVE_DUE, 2, options.queue, key, Date.now(), 500).catch(() => undefined);
    const claimEvery = Math.max(500, Math.floor(options.redeliverAfterMs / 2));
    this.#timers = [setInterval(moveDue, RETRY_POLL_MS), setInterval(() => void this.#claim().catch(() => undefined), claimEvery)];
    for (const timer of this.#timers) timer.unref();
    blocking.on('end', () => (this.#failure ??= new Error('connection to redis lost')));
  }

  async receive(max: number): Promise<Delivery[]> {
    if (this.#failure !== undefined && !this.#stopped) throw this.#failure;
    const entries: Entry[] = [];
    for (const [id, entry] of this.#claimed) {
      if (entries.length >= max) break;
      this.#claimed.delete(id);
      entries.push(entry);
    }
    try {
      if (entries.length === 0 && this.#history) {
        const found = await this.#read(max, '0', undefined);
        if (found.length === 0) this.#history = false;
        entries.push(...found);
      }
      if (entries.length === 0) entries.push(...(await this.#read(max, '>', BLOCK_MS)));
    } catch (thrown) {
      if (this.#stopped) return [];
      throw thrown;
    }
    const deliveries: Delivery[] = [];
    for (const [rawId, fields] of entries) {
      const id = rawId.toString();
      if (this.#held.has(id)) continue;
      if (fields === null) {
        // Deleted meanwhile (trimmed): nothing to deliver, only to acknowledge.
        void this.#acks.add({ target: this.#target, id });
        continue;
      }
      this.#held.add(id);
      deliveries.push(this.#delivery(id, fields));
    }
    return deliveries;
  }

  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    for (const timer of this.#timers) clearInterval(timer);
    this.#blocking.disconnect();
  }

  async #read(count: number, from: string, blockMs: number | undefined): Promise<Entry[]> {
    const args: (string | number)[] = ['GROUP', this.#options.group, this.#consumer, 'COUNT', count];
    if (blockMs !== undefined) args.push('BLOCK', blockMs);
    args.push('STREAMS', this.#options.queue, from);
    const reply = (await this.#blocking.callBuffer('XREADGROUP', ...args)) as [Buffer, Entry[]][] | null;
    return reply?.[0]?.[1] ?? [];
  }

  /** Keeps the messages held here fresh, and claims those a dead consumer held too long. */
  async #claim(): Promise<void> {
    const { queue, group, redeliverAfterMs } = this.#options;
    if (this.#held.size > 0) await this.#redis.xclaim(queue, group, this.#consumer, 0, ...this.#held, 'JUSTID');
    const reply = (await this.#redis.callBuffer('XAUTOCLAIM', queue, group, this.#consumer, redeliverAfterMs, '0-0', 'COUNT', this.#options.window)) as [Buffer, Entry[]];
    for (const entry of reply[1]) {
      const id = entry[0].toString();
      if (!this.#held.has(id)) this.#claimed.set(id, entry);
    }
  }

  #delivery(id: string, fields: Buffer[]): Delivery {
    let found: Buffer | undefined;
    let rawHeaders: Buffer | undefined;
    for (let index = 0; index + 1 < fields.length; index += 2) {
      const name = fields[index]!;
      if (name.length === 4 && name.toString() === 'body') found = fields[index + 1]!;
      else if (name.length === 7 && name.toString() === 'headers') rawHeaders = fields[index + 1]!;
    }
    let headers: Record<string, string>;
    let body: Uint8Array;
    if (found !== undefined) {
      body = found;
      headers = parseHeaders(rawHeaders);
    } else {
      const map = new Map<string, Buffer>();
      for (let index = 0; index + 1 < fields.length; index += 2) map.set(fields[index]!.toString(), fields[index + 1]!);
      // An entry from another producer without a body field: its fields are the body.
      body = Buffer.from(JSON.stringify(Object.fromEntries([...map].map(([name, value]) => [name, value.toString()]))));
      headers = { [HEADER.contentType]: 'application/json' };
    }
    const { queue, group } = this.#options;
    const settle = (): void => void this.#held.delete(id);
    return {
      brokerId: id,
      body,
      headers,
      attempt: headerAttempt(headers),
      ack: () => {
        settle();
        return this.#acks.add({ target: this.#target, id });
      },
      nack: async (delayMs, failed) => {
        settle();
        const again = { ...headers, [HEADER.id]: headers[HEADER.id] ?? id, [HEADER.attempt]: String(headerAttempt(headers) + (failed ? 1 : 0)) };
        const multi = this.#redis.multi();
        if (delayMs <= 0) multi.xadd(queue, '*', 'headers', JSON.stringify(again), 'body', Buffer.from(body));
        else multi.zadd(retryKey(queue), Date.now() + delayMs, Buffer.concat([Buffer.from(`${JSON.stringify(again)}\n`), Buffer.from(body)]));
        await multi.xack(queue, group, id).xdel(queue, id).exec();
      },
    };
  }
}

/** A header name that may not be lower-case already (anything but lower-case ASCII, digits, `-`, `_` and `.`). */
const NOT_LOWER_CASE = /[^a-z0-9_.-]/;

function parseHeaders(raw: Buffer | undefined): Record<string, string> {
  if (raw === undefined) return {};
  try {
    const parsed = JSON.parse(raw.toString()) as unknown;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return {};
    // The headers weft writes are lower-case strings already: then the parsed object is the answer.
    const record = parsed as Record<string, unknown>;
    let plain = true;
    for (const name in record) {
      if (typeof record[name] !== 'string' || NOT_LOWER_CASE.test(name)) {
        plain = false;
        break;
      }
    }
    if (plain) return record as Record<string, string>;
    const headers: Record<string, string> = {};
    for (const name in record) headers[name.toLowerCase()] = String(record[name]);
    return headers;
  } catch {
    // Unreadable headers: the body is delivered with none, its type guessed.
    return {};
  }
}

/** Connects to Redis (rejects when it cannot); ioredis reconnects by itself afterwards. */
export const open: OpenBroker = async (url) => {
  const redis = new Redis(url, options);
  redis.on('error', () => undefined);
  try {
    await redis.connect();
  } catch (thrown) {
    redis.disconnect();
    throw thrown;
  }
  return new RedisBroker(redis);
};
