import type { Span } from '@opentelemetry/api';
import type { Process } from '../../src/index.ts';
import { activeTracer } from '../_shared/trace/active-tracer.ts';
import { startProcessSpan } from '../_shared/trace/process-span.ts';
import { TRACEPARENT_KEY } from '../_shared/trace-context.ts';
import type { Delivery } from './brokers/broker.ts';
import { HEADER } from './message.ts';

/** Who consumes: namespace, node name, broker (URL scheme) and queue, for span attributes. */
export interface MessageSpanOwner {
  readonly namespace: string;
  readonly node: string;
  readonly system: string;
  readonly queue: string;
}

/**
 * The consumer span of one message's process, continuing the `traceparent` header its publisher
 * set; undefined when tracing is off (then the header is only passed through to the process).
 */
export function startMessageSpan(process: Process, delivery: Delivery, owner: MessageSpanOwner): Span | undefined {
  if (activeTracer() === undefined) {
    const incoming = delivery.headers.traceparent;
    if (incoming !== undefined) process.data.set(TRACEPARENT_KEY, incoming);
    return undefined;
  }
  return startProcessSpan(process, {
    name: `process ${owner.queue}`,
    kind: 'consumer',
    carrier: delivery.headers,
    attributes: {
      'weft.namespace': owner.namespace,
      'weft.node': owner.node,
      'weft.kind': 'consumer',
      'weft.process': process.id,
      'messaging.system': owner.system,
      'messaging.operation.type': 'process',
      'messaging.destination.name': owner.queue,
      'messaging.message.id': delivery.headers[HEADER.id] ?? delivery.brokerId,
      'messaging.message.body.size': delivery.body.byteLength,
      'weft.attempt': delivery.attempt,
    },
  });
}
