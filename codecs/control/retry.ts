import { Type } from '@sinclair/typebox';
import {
  catalogue, defineKind, errorMatches, InOutNode, Packet, WeftError,
  type Problem, type Process, type Reply,
} from '../../src/index.ts';
import { abortableDelay, delayProblem } from '../_shared/abortable-delay.ts';
import { isCategory } from '../_shared/categories.ts';
import { durationMs, durationSchema } from '../_shared/duration.ts';

/** The kind name. */
export const kind = 'retry';

/** The error categories retried when `retryOn` is not given: the transient ones. */
export const DEFAULT_RETRY_ON: readonly string[] = ['unavailable', 'deadline exceeded', 'resource exhausted'];

/** The retry's own spec fields. */
export const schema = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000, description: 'How many times to resend after the first attempt; default 3.' })),
  threshold: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000, description: 'uniflow’s name for `limit`; give at most one of the two.' })),
  delay: Type.Optional(durationSchema('The wait before the first retry; it doubles for each next one. Default "100ms".')),
  maxDelay: Type.Optional(durationSchema('The longest wait between two attempts. Default "10s".')),
  jitter: Type.Optional(Type.Number({ minimum: 0, maximum: 1, description: 'Up to this fraction of each wait is cut at random (0: exact waits). Default 0.5.' })),
  retryOn: Type.Optional(Type.Array(Type.String({ minLength: 1 }), {
    description: 'The errors to retry: categories or error codes found anywhere in the error chain, or "*" for every error. Default: unavailable, deadline exceeded, resource exhausted.',
  })),
});

/** How a RetryNode retries; every field is filled in. */
export interface RetryPolicy {
  readonly limit: number;
  readonly delayMs: number;
  readonly maxDelayMs: number;
  readonly jitter: number;
  /** Categories or codes; `'*'` matches every error. */
  readonly retryOn: readonly string[];
}

/**
 * Resends a packet to `out` while the reply is a retryable error (uniflow §10 `retry`, plus
 * backoff and error selection): at most `limit` times, waiting delay·2^(n-1) (capped at
 * maxDelay, minus up to `jitter` of it at random) before retry n. A reply that is not an
 * error, an error not selected by `retryOn`, or the error after the last retry ends it: an
 * error goes to `error` (unlinked: it is the reply). When the process ends during a wait,
 * ERR_PROCESS_ABORTED (caused by the last error) goes to `error` at once. The first attempt
 * is synchronous when `out` is; only a retry waits.
 */
export class RetryNode extends InOutNode {
  readonly policy: RetryPolicy;

  constructor(policy: RetryPolicy) {
    super();
    this.policy = policy;
  }

  /** Makes the first attempt with a packet of the `in` port (called by the port). */
  override receive(process: Process, packet: Packet): Reply {
    return this.#attempt(process, packet, 0);
  }

  /** The wait before retry `n` (1-based), in milliseconds. */
  backoff(n: number): number {
    const { delayMs, maxDelayMs, jitter } = this.policy;
    const full = Math.min(maxDelayMs, delayMs * 2 ** (n - 1));
    return full * (1 - jitter * Math.random());
  }

  #attempt(process: Process, packet: Packet, retries: number): Reply {
    const reply = this.outPort.write(process, packet);
    if (reply instanceof Packet) return this.#judge(process, packet, retries, reply);
    return reply.then((settled) => this.#judge(process, packet, retries, settled));
  }

  #judge(process: Process, packet: Packet, retries: number, reply: Packet): Reply {
    const error = reply.payload;
    if (!(error instanceof Error)) return reply;
    if (retries >= this.policy.limit || !this.#retryable(error)) return this.errorPort.write(process, reply);
    return this.#retryAfterWait(process, packet, retries + 1, error);
  }

  async #retryAfterWait(process: Process, packet: Packet, retry: number, last: Error): Promise<Packet> {
    if (!(await abortableDelay(this.backoff(retry), process.signal))) {
      return await this.errorPort.write(process, new Packet(new WeftError('ERR_PROCESS_ABORTED', { node: kind }, { cause: last })));
    }
    return await this.#attempt(process, packet, retry);
  }

  #retryable(error: Error): boolean {
    for (const wanted of this.policy.retryOn) if (wanted === '*' || errorMatches(error, wanted)) return true;
    return false;
  }
}

type RetrySpec = { limit?: number; threshold?: number; delay?: string | number; maxDelay?: string | number; jitter?: number; retryOn?: string[] };

/** The policy of a valid spec, with the defaults filled in. */
export function retryPolicy(spec: RetrySpec): RetryPolicy {
  return {
    limit: spec.limit ?? spec.threshold ?? 3,
    delayMs: durationMs(spec.delay ?? 100),
    maxDelayMs: durationMs(spec.maxDelay ?? 10_000),
    jitter: spec.jitter ?? 0.5,
    retryOn: spec.retryOn ?? DEFAULT_RETRY_ON,
  };
}

function validate(spec: RetrySpec): Problem[] {
  const problems: Problem[] = [];
  if (spec.limit !== undefined && spec.threshold !== undefined) {
    problems.push({ path: 'threshold', code: 'ERR_SPEC_INVALID', message: 'give limit or threshold, not both' });
  }
  for (const field of ['delay', 'maxDelay'] as const) {
    const value = spec[field];
    const problem = value === undefined ? undefined : delayProblem(field, value);
    if (problem !== undefined) problems.push(problem);
  }
  (spec.retryOn ?? []).forEach((wanted, index) => {
    if (wanted !== '*' && !isCategory(wanted) && !Object.hasOwn(catalogue, wanted)) {
      problems.push({ path: `retryOn[${index}]`, code: 'ERR_SPEC_INVALID', message: `"${wanted}" is neither an error category nor an error code (docs/errors.md)` });
    }
  });
  return problems;
}

/** `retry`: resend on transient errors, with exponential backoff and jitter. */
export const definition = defineKind({
  kind,
  description: 'Sends the packet to out and resends it on a retryable error reply, with exponential backoff; the last error goes to error.',
  schema,
  ports: { in: ['in'], out: ['out', 'error'] },
  validate,
  codec: (spec) => new RetryNode(retryPolicy(spec)),
});
