import { Type } from '@sinclair/typebox';
import { LRUCache } from 'lru-cache';
import { defineKind, InOutNode, Packet, type Problem, type Process, type Reply } from '../../src/index.ts';
import { durationMs, durationSchema } from '../_shared/duration.ts';
import { cacheKey } from './cache-key.ts';

/** The kind name. */
export const kind = 'cache';

/** The defaults of the optional fields. */
export const DEFAULTS = { capacity: 1000 } as const;

/** The cache's own spec fields. */
export const schema = Type.Object({
  capacity: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000, description: 'The most entries kept; the least recently used goes first (default 1000).' })),
  ttl: Type.Optional(durationSchema('How long an entry is served after it was stored (e.g. 30s); none: until evicted.')),
  interval: Type.Optional(durationSchema('uniflow\'s name for ttl; give one of the two.')),
  maxBytes: Type.Optional(Type.Integer({ minimum: 1, description: 'The most bytes kept (keys and values, as their JSON-like encoding); an entry larger than this is not stored.' })),
});

/** Options of a CacheNode. */
export interface CacheOptions {
  readonly capacity: number;
  /** 0: entries do not expire. */
  readonly ttlMs: number;
  readonly maxBytes?: number;
}

/**
 * A read-through LRU cache in front of `out` (uniflow's 2024-11 … 2025-03 `cache`): the input
 * payload is the key (equal payloads are one key, object key order aside). A hit answers the
 * stored reply at once, synchronously, without writing to `out`; a miss writes the input to
 * `out` and stores the reply unless it is an error or `None`, which pass through uncached.
 * Bounded by `capacity` entries and optionally `maxBytes`; `ttl` expires entries. An error
 * input, or one that cannot be a key, passes through to `out` uncached. Concurrent misses of
 * one key each go to `out` (no request coalescing). A reload starts empty.
 */
export class CacheNode extends InOutNode {
  readonly #entries: LRUCache<string, Packet>;

  constructor(options: CacheOptions) {
    super();
    this.#entries = new LRUCache<string, Packet>({
      max: options.capacity,
      ...(options.ttlMs > 0 ? { ttl: options.ttlMs } : {}),
      ...(options.maxBytes !== undefined ? { maxSize: options.maxBytes, sizeCalculation: (value: Packet, key: string) => Math.max(1, Buffer.byteLength(key) + sizeOf(value.payload)) } : {}),
    });
  }

  /** How many entries are stored now (expired ones may still count until read). */
  get size(): number {
    return this.#entries.size;
  }

  override receive(process: Process, packet: Packet): Reply {
    const key = cacheKey(packet.payload);
    if (key === undefined) return this.outPort.write(process, packet);
    const hit = this.#entries.get(key);
    if (hit !== undefined) return hit;
    const reply = this.outPort.write(process, packet);
    if (reply instanceof Packet) return this.#store(key, reply);
    return reply.then((settled) => this.#store(key, settled));
  }

  override close(): void {
    super.close();
    this.#entries.clear();
  }

  #store(key: string, reply: Packet): Packet {
    if (reply !== Packet.None && !(reply.payload instanceof Error)) this.#entries.set(key, reply);
    return reply;
  }
}

/** The bytes a value takes as its key encoding (a stand-in for its memory). */
function sizeOf(payload: unknown): number {
  const encoded = cacheKey(payload);
  return encoded === undefined ? 64 : Buffer.byteLength(encoded);
}

function validate(spec: { ttl?: string | number; interval?: string | number }): Problem[] {
  if (spec.ttl !== undefined && spec.interval !== undefined) {
    return [{ path: 'interval', code: 'ERR_SPEC_INVALID', message: 'give ttl or interval (its uniflow name), not both' }];
  }
  return [];
}

/** `cache`: answer repeated inputs from an LRU cache of `out`'s replies. */
export const definition = defineKind({
  kind,
  description: 'A read-through LRU cache: a repeated input is answered from the cache; a miss goes to out and its reply is stored.',
  schema,
  ports: { in: ['in'], out: ['out'] },
  validate,
  codec: (spec) => {
    const ttl = spec.ttl ?? spec.interval;
    return new CacheNode({
      capacity: spec.capacity ?? DEFAULTS.capacity,
      ttlMs: ttl === undefined ? 0 : durationMs(ttl),
      ...(spec.maxBytes !== undefined ? { maxBytes: spec.maxBytes } : {}),
    });
  },
});
