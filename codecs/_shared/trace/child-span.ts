import { ROOT_CONTEXT, SpanKind, trace, type Attributes, type Span } from '@opentelemetry/api';
import type { Process } from '../../../src/index.ts';
import { activeTracer } from './active-tracer.ts';
import { PROCESS_SPAN } from './process-span.ts';

const KINDS = { client: SpanKind.CLIENT, producer: SpanKind.PRODUCER, internal: SpanKind.INTERNAL } as const;

/**
 * Starts a child of the span of the process (or its nearest ancestor): an outgoing call
 * (client), a published message (producer) or a node hop (internal). Undefined when tracing is
 * off or the process is not traced; with tracing off it does not touch the process at all.
 * The caller ends it (`endProcessSpan`).
 */
export function startChildSpan(process: Process, name: string, kind: 'client' | 'producer' | 'internal', attributes?: Attributes): Span | undefined {
  const tracer = activeTracer();
  if (tracer === undefined) return undefined;
  const parent = process.data.get(PROCESS_SPAN) as Span | undefined;
  if (parent === undefined) return undefined;
  return tracer.startSpan(name, { kind: KINDS[kind], attributes }, trace.setSpan(ROOT_CONTEXT, parent));
}
