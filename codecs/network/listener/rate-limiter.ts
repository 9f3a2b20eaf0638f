import { Type, type Static } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { LRUCache } from 'lru-cache';
import type { Problem } from '../../../src/index.ts';
import { MAX_DELAY_MS } from '../../_shared/abortable-delay.ts';
import { durationMs, durationSchema } from '../../_shared/duration.ts';

/** The most clients counted at once by default; beyond it the least recently seen is forgotten. */
export const DEFAULT_MAX_KEYS = 100_000;

/** The `rateLimit` field of a listener spec. */
export const RateLimitSchema = Type.Object(
  {
    max: Type.Integer({ minimum: 1, maximum: 1_000_000_000, description: 'The most requests one client may make per window; further ones get 429.' }),
    window: durationSchema('The length of a counting window, e.g. "1m" (fixed windows, starting at a client\'s first request).'),
    by: Type.Optional(Type.String({
      pattern: '^(ip|header:[!#$%&\'*+.^_`|~0-9A-Za-z-]+)$',
      description: 'What makes a client: "ip" (the peer address, default) or "header:<name>" (e.g. header:x-api-key; requests without it count by ip).',
    })),
    maxKeys: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000_000, description: `The most clients counted at once (default ${DEFAULT_MAX_KEYS}); the least recently seen is forgotten first.` })),
  },
  { additionalProperties: false, description: 'Requests per client per window, counted in memory per listener (docs/kinds/listener.md).' },
);

/** The `rateLimit` of a spec, as written. */
export type RateLimitSpec = Static<typeof RateLimitSchema>;

/** The problems of a `rateLimit` field beyond its schema: a window of 1 ms to about 24 days. */
export function rateLimitProblems(spec: RateLimitSpec | undefined): Problem[] {
  if (spec === undefined) return [];
  const ms = durationMs(spec.window);
  if (ms < 1 || ms > MAX_DELAY_MS) return [{ path: 'rateLimit.window', code: 'ERR_SPEC_INVALID', message: 'must be from 1 ms to 2147483647 ms (about 24 days)' }];
  return [];
}

interface Window {
  count: number;
  readonly endsAt: number;
}

/**
 * Fixed-window request counters, one per client key, in a bounded LRU map: memory stays
 * under `maxKeys` entries (a few hundred bytes each) whatever the number of clients; a client
 * forgotten under that pressure starts a fresh window. `take` is one map look-up, no timers.
 */
export class RateLimiter {
  readonly max: number;
  readonly windowMs: number;
  readonly #header: string | undefined;
  readonly #by: string;
  readonly #windows: LRUCache<string, Window>;

  constructor(spec: RateLimitSpec, carried?: RateLimiter) {
    this.max = spec.max;
    this.windowMs = durationMs(spec.window);
    this.#by = spec.by ?? 'ip';
    this.#header = this.#by.startsWith('header:') ? this.#by.slice('header:'.length).toLowerCase() : undefined;
    const maxKeys = spec.maxKeys ?? DEFAULT_MAX_KEYS;
    // A reload that keeps what makes a client and the window keeps the counts (a new max applies to them).
    const keep = carried !== undefined && carried.#by === this.#by && carried.windowMs === this.windowMs && carried.#windows.max === maxKeys;
    this.#windows = keep ? carried.#windows : new LRUCache<string, Window>({ max: maxKeys });
  }

  /** The number of clients counted now. */
  get size(): number {
    return this.#windows.size;
  }

  /** Counts one request; returns 0 when it may go on, else the milliseconds until its client's window ends. */
  take(request: FastifyRequest, now = Date.now()): number {
    const key = this.#key(request);
    const window = this.#windows.get(key);
    if (window === undefined || window.endsAt <= now) {
      this.#windows.set(key, { count: 1, endsAt: now + this.windowMs });
      return 0;
    }
    if (window.count >= this.max) return window.endsAt - now;
    window.count += 1;
    return 0;
  }

  #key(request: FastifyRequest): string {
    if (this.#header !== undefined) {
      const value = request.headers[this.#header];
      const text = Array.isArray(value) ? value.join(',') : value;
      if (text !== undefined && text.length > 0) return `h:${text.slice(0, 256)}`;
    }
    return `ip:${request.raw.socket.remoteAddress ?? ''}`;
  }
}
