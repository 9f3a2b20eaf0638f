import { Type, type Static } from '@sinclair/typebox';
import type { Problem } from '../../../src/index.ts';
import { MAX_DELAY_MS } from '../../_shared/abortable-delay.ts';
import { durationMs, durationSchema } from '../../_shared/duration.ts';

/** The most a body limit may be set to (1 GiB): bodies are held in memory whole. */
const MAX_BODY_SIZE = 1024 * 1024 * 1024;

/** The `limits` field of a listener spec: what one client may cost the server. */
export const LimitsSchema = Type.Object(
  {
    bodySize: Type.Optional(Type.Integer({
      minimum: 0,
      maximum: MAX_BODY_SIZE,
      description: 'The largest request body in bytes, as sent and once decompressed (default 1048576, 1 MiB); larger ones get 413.',
    })),
    headersTimeout: Type.Optional(durationSchema('How long a client may take to send the request headers (default "10s"); then 408 and the connection closes.')),
    requestTimeout: Type.Optional(durationSchema('How long a client may take to send the whole request, body included (default "30s"); at least headersTimeout.')),
    keepAliveTimeout: Type.Optional(durationSchema('How long an idle keep-alive connection stays open (default "5s").')),
    maxConnections: Type.Optional(Type.Integer({
      minimum: 1,
      maximum: 1_000_000,
      description: 'The most connections open at once (default 1024); further ones are closed at once.',
    })),
  },
  { additionalProperties: false, description: 'What one client may cost the server: body size, timeouts, connections (defaults in docs/kinds/listener.md).' },
);

/** The `limits` of a spec, as written. */
export type LimitsSpec = Static<typeof LimitsSchema>;

/** The limits a server applies, in bytes, milliseconds and connections. */
export interface ListenerLimits {
  readonly bodySize: number;
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly keepAliveTimeoutMs: number;
  readonly maxConnections: number;
}

/**
 * The defaults: fastify's body limit; Node's timeouts cut to what a slow but honest client
 * needs (Node waits 60 s for headers and 300 s for a request, so a few hundred slowloris
 * sockets hold file descriptors for minutes); a connection cap below common descriptor limits.
 */
export const DEFAULT_LIMITS: ListenerLimits = {
  bodySize: 1024 * 1024,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  maxConnections: 1024,
};

/** The limits of a spec's `limits` field, defaults filled in. */
export function resolveLimits(spec: LimitsSpec | undefined): ListenerLimits {
  if (spec === undefined) return DEFAULT_LIMITS;
  return {
    bodySize: spec.bodySize ?? DEFAULT_LIMITS.bodySize,
    headersTimeoutMs: spec.headersTimeout === undefined ? DEFAULT_LIMITS.headersTimeoutMs : durationMs(spec.headersTimeout),
    requestTimeoutMs: spec.requestTimeout === undefined ? DEFAULT_LIMITS.requestTimeoutMs : durationMs(spec.requestTimeout),
    keepAliveTimeoutMs: spec.keepAliveTimeout === undefined ? DEFAULT_LIMITS.keepAliveTimeoutMs : durationMs(spec.keepAliveTimeout),
    maxConnections: spec.maxConnections ?? DEFAULT_LIMITS.maxConnections,
  };
}

const TIMEOUTS = ['headersTimeout', 'requestTimeout', 'keepAliveTimeout'] as const;

/** The problems of a `limits` field beyond its schema: timeouts of at least 1 ms that fit a timer, headers within request. */
export function limitsProblems(spec: LimitsSpec | undefined): Problem[] {
  if (spec === undefined) return [];
  const problems: Problem[] = [];
  for (const field of TIMEOUTS) {
    const value = spec[field];
    if (value === undefined) continue;
    const ms = durationMs(value);
    if (ms < 1 || ms > MAX_DELAY_MS) {
      problems.push({ path: `limits.${field}`, code: 'ERR_SPEC_INVALID', message: 'must be from 1 ms to 2147483647 ms (about 24 days); a timeout cannot be turned off' });
    }
  }
  const limits = resolveLimits(spec);
  if (problems.length === 0 && limits.headersTimeoutMs > limits.requestTimeoutMs) {
    problems.push({ path: 'limits.headersTimeout', code: 'ERR_SPEC_INVALID', message: `must be at most requestTimeout (${limits.requestTimeoutMs} ms): headers are part of the request` });
  }
  return problems;
}
