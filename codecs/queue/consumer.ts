import { Type } from '@sinclair/typebox';
import { defineKind, WeftError, type CodecContext, type Problem, type Syscall } from '../../src/index.ts';
import { delayProblem } from '../_shared/abortable-delay.ts';
import { batchOptions, batchProblems, batchSchema } from '../_shared/batch.ts';
import { durationMs, durationSchema } from '../_shared/duration.ts';
import { urlProblem } from './brokers/open-broker.ts';
import { ConsumerNode } from './consumer-node.ts';
import { queueRuntime } from './queue-runtime.ts';

/** The kind name. */
export const kind = 'consumer';

/** The consumer's own spec fields. */
export const schema = Type.Object({
  url: Type.String({ minLength: 1, description: 'The broker: memory://NAME, redis://HOST:PORT[/DB], nats://HOST:PORT, amqp://USER:PASS@HOST:PORT[/VHOST] or mqtt://HOST:PORT.' }),
  queue: Type.String({ minLength: 1, maxLength: 200, description: 'The queue to consume: a Redis stream key, a NATS subject, a RabbitMQ queue or an MQTT topic.' }),
  group: Type.Optional(Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9_-]+$', description: 'The consumer group that shares the messages (default "weft").' })),
  concurrency: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, description: 'The most messages processed at once (default 1).' })),
  prefetch: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000, description: 'How many more messages are fetched ahead of those running (default: as many as concurrency).' })),
  retry: Type.Optional(Type.Object({
    max: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: 'The most attempts a message gets, the first included (default 5).' })),
    delay: Type.Optional(durationSchema('The wait before the first retry; it doubles for each next one (default 1s).')),
    maxDelay: Type.Optional(durationSchema('The longest wait before a retry (default 5m).')),
  }, { additionalProperties: false, description: 'How failed messages are retried.' })),
  deadLetter: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'The queue (same broker) that gets the messages out of attempts, with their error; without it they are dropped and logged.' })),
  redeliverAfter: Type.Optional(durationSchema('How long a message held by an engine that died waits before it is delivered again (Redis, NATS; default 30s).')),
  batch: Type.Optional(batchSchema),
});

const DEFAULTS = { group: 'weft', concurrency: 1, max: 5, delay: 1000, maxDelay: 300_000, redeliverAfter: 30_000, batchWindow: 100 } as const;

function validate(spec: { url: string; queue: string; deadLetter?: string; retry?: { delay?: string | number; maxDelay?: string | number }; redeliverAfter?: string | number; batch?: { window?: string | number } }): Problem[] {
  const problems: Problem[] = [...batchProblems('batch', spec.batch)];
  const url = urlProblem(spec.url);
  if (url !== undefined) problems.push({ path: 'url', code: 'ERR_SPEC_INVALID', message: url });
  if (spec.deadLetter === spec.queue) problems.push({ path: 'deadLetter', code: 'ERR_SPEC_INVALID', message: 'must differ from queue' });
  for (const field of ['delay', 'maxDelay'] as const) {
    const value = spec.retry?.[field];
    const problem = value === undefined ? undefined : delayProblem(`retry.${field}`, value);
    if (problem !== undefined) problems.push(problem);
  }
  if (spec.redeliverAfter !== undefined) {
    if (durationMs(spec.redeliverAfter) < 1000) problems.push({ path: 'redeliverAfter', code: 'ERR_SPEC_INVALID', message: 'must be at least 1s' });
    else {
      const problem = delayProblem('redeliverAfter', spec.redeliverAfter);
      if (problem !== undefined) problems.push(problem);
    }
  }
  return problems;
}

/** `queues.stats`: the stats of every consumer of the runtime, or of the one named (`{name}`). */
function statsSyscall(context: CodecContext): Syscall {
  return async (_process, payload) => {
    if (payload !== null && payload !== undefined && (typeof payload !== 'object' || Array.isArray(payload))) {
      throw new WeftError('ERR_SYSCALL_PAYLOAD', { opcode: 'queues.stats', reason: 'give null or {name}' });
    }
    const name = (payload as { name?: unknown } | null | undefined)?.name;
    if (name !== undefined && typeof name !== 'string') throw new WeftError('ERR_SYSCALL_PAYLOAD', { opcode: 'queues.stats', reason: 'name must be a string' });
    return await queueRuntime(context).stats(name);
  };
}

/** The batch options of a spec; a consumer's partial batch waits 100 ms by default (a queue has no end to flush at). */
function batchOf(spec: { size: number; window?: string | number } | undefined): { size: number; windowMs: number } | undefined {
  const options = batchOptions(spec);
  return options === undefined ? undefined : { size: options.size, windowMs: options.windowMs ?? DEFAULTS.batchWindow };
}

/** `consumer`: runs a workflow for each message of a queue, with retries and a dead-letter queue. */
export const definition = defineKind({
  kind,
  description: 'Consumes a queue: each message goes to out as {id, queue, attempt, body, headers}; a reply acks it, an error nacks it for a retry.',
  schema,
  ports: { in: [], out: ['out', 'error'] },
  validate,
  syscalls: (context) => ({ 'queues.stats': statsSyscall(context) }),
  codec: (spec, context) => {
    const concurrency = spec.concurrency ?? DEFAULTS.concurrency;
    return new ConsumerNode({
      specId: spec.id ?? spec.name ?? `${spec.url} ${spec.queue}`,
      name: spec.name ?? spec.id ?? spec.queue,
      url: spec.url,
      queue: spec.queue,
      group: spec.group ?? DEFAULTS.group,
      concurrency,
      prefetch: spec.prefetch ?? concurrency,
      retry: {
        max: spec.retry?.max ?? DEFAULTS.max,
        delayMs: spec.retry?.delay === undefined ? DEFAULTS.delay : durationMs(spec.retry.delay),
        maxDelayMs: spec.retry?.maxDelay === undefined ? DEFAULTS.maxDelay : durationMs(spec.retry.maxDelay),
      },
      deadLetter: spec.deadLetter,
      redeliverAfterMs: spec.redeliverAfter === undefined ? DEFAULTS.redeliverAfter : durationMs(spec.redeliverAfter),
      batch: batchOf(spec.batch),
      context,
    });
  },
});
