import { randomUUID } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import { defineKind, OneToOneNode, Packet, toWeftError, WeftError, type CodecContext, type Problem, type Process, type Reply } from '../../src/index.ts';
import { delayProblem } from '../_shared/abortable-delay.ts';
import { durationMs, durationSchema } from '../_shared/duration.ts';
import type { BrokerLease } from './brokers/broker-pool.ts';
import { redactUrl, urlProblem } from './brokers/open-broker.ts';
import { TRACEPARENT } from './consumer-node.ts';
import { startChildSpan } from '../_shared/trace/child-span.ts';
import { endProcessSpan, traceparent as traceparentOfSpan } from '../_shared/trace/process-span.ts';
import { traceparentOf } from '../_shared/trace-context.ts';
import { encodeBody, HEADER } from './message.ts';
import { queueRuntime } from './queue-runtime.ts';

/** The kind name. */
export const kind = 'publisher';

/** The publisher's own spec fields. */
export const schema = Type.Object({
  url: Type.String({ minLength: 1, description: 'The broker, as for consumer: memory://NAME, redis://…, nats://…, amqp://…, mqtt://….' }),
  queue: Type.String({ minLength: 1, maxLength: 200, description: 'The queue to publish to.' }),
  headers: Type.Optional(Type.Record(Type.String({ pattern: '^[A-Za-z0-9_.-]+$' }), Type.String(), { description: 'Headers added to every message.' })),
  timeout: Type.Optional(durationSchema('The longest wait for the broker to confirm a message (default 5s).')),
});

/** Options of a PublisherNode. */
export interface PublisherOptions {
  readonly url: string;
  readonly queue: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly context: CodecContext;
}

/**
 * Publishes each payload to a queue (bytes as they are, a string as UTF-8, anything else as
 * JSON) and replies `{id}` once the broker confirmed it; a failure is ERR_QUEUE_PUBLISH on
 * `error`. The broker connection is the runtime's one for the URL, opened on first use.
 * The process's trace context (a consumer's, a request's) travels on as a `traceparent` header,
 * from a producer span when tracing is on.
 */
export class PublisherNode extends OneToOneNode {
  readonly #lease: BrokerLease;

  constructor(options: PublisherOptions) {
    super((process, packet) => publish(options, lease, process, packet));
    const lease = (this.#lease = queueRuntime(options.context).pool.acquire(options.url));
  }

  override async close(): Promise<void> {
    await this.#lease.release();
  }
}

function publish(options: PublisherOptions, lease: BrokerLease, process: Process, packet: Packet): Reply {
  if (packet.payload instanceof Error) return packet;
  const { body, contentType } = encodeBody(packet.payload);
  const id = randomUUID();
  const headers: Record<string, string> = { ...options.headers, [HEADER.contentType]: contentType, [HEADER.id]: id };
  const span = startChildSpan(process, `send ${options.queue}`, 'producer', {
    'messaging.system': options.url.slice(0, Math.max(0, options.url.indexOf(':'))), 'messaging.operation.type': 'send', 'messaging.destination.name': options.queue, 'messaging.message.id': id,
  });
  const traceparent = span === undefined ? traceparentOf(process) : traceparentOfSpan(span.spanContext());
  if (traceparent !== undefined) headers[TRACEPARENT] = traceparent;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no confirmation within ${options.timeoutMs} ms`)), options.timeoutMs)));
  const sent = (async () => (await lease.broker()).publish(options.queue, { body, headers }))();
  return Promise.race([sent, late]).then(
    () => {
      if (span !== undefined) endProcessSpan(span);
      return new Packet({ id });
    },
    (reason: unknown) => {
      const cause = toWeftError(reason);
      const failure = new WeftError('ERR_QUEUE_PUBLISH', { queue: options.queue, url: redactUrl(options.url), reason: cause.message }, { cause });
      if (span !== undefined) endProcessSpan(span, failure);
      return new Packet(failure);
    },
  ).finally(() => clearTimeout(timer));
}

function validate(spec: { url: string; timeout?: string | number }): Problem[] {
  const problems: Problem[] = [];
  const url = urlProblem(spec.url);
  if (url !== undefined) problems.push({ path: 'url', code: 'ERR_SPEC_INVALID', message: url });
  if (spec.timeout !== undefined) {
    const problem = durationMs(spec.timeout) <= 0 ? { path: 'timeout', code: 'ERR_SPEC_INVALID' as const, message: 'must be more than 0' } : delayProblem('timeout', spec.timeout);
    if (problem !== undefined) problems.push(problem);
  }
  return problems;
}

/** `publisher`: publishes each payload to a queue and replies its message id. */
export const definition = defineKind({
  kind,
  description: 'Publishes the payload to a queue (JSON unless a string or bytes) and replies {id} once the broker confirmed it.',
  schema,
  ports: { in: ['in'], out: ['out', 'error'] },
  validate,
  codec: (spec, context) => new PublisherNode({
    url: spec.url,
    queue: spec.queue,
    headers: Object.fromEntries(Object.entries(spec.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value])),
    timeoutMs: spec.timeout === undefined ? 5000 : durationMs(spec.timeout),
    context,
  }),
});
