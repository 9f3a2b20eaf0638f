import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Link, type Span, type SpanContext } from '@opentelemetry/api';
import type { Process } from '../../../src/index.ts';
import { TRACEPARENT_KEY } from '../trace-context.ts';
import { activeTracer } from './active-tracer.ts';

/** The process-data key of the span of a root process (read through by its forks). */
export const PROCESS_SPAN = Symbol('weft.span');

/** What a source knows when it starts a root process. */
export interface ProcessSpanOptions {
  /** The span name: `GET /users/:id`, `jobs process`, `nightly tick`… */
  readonly name: string;
  /** server (an HTTP request), consumer (a queue message), internal (a tick, a frame). */
  readonly kind: 'server' | 'consumer' | 'internal';
  /** Incoming headers (lower-case names) whose `traceparent`/`tracestate` the span continues. */
  readonly carrier?: Readonly<Record<string, string | string[] | undefined>>;
  readonly attributes?: Attributes;
  /** Spans this one relates to without being their child (a frame → its connection). */
  readonly links?: Link[];
}

const KINDS = { server: SpanKind.SERVER, consumer: SpanKind.CONSUMER, internal: SpanKind.INTERNAL } as const;

/**
 * Starts the span of a root process when tracing is on, and keeps it (and its `traceparent`,
 * for the http client, publishers and exec handlers) in the process's data. With tracing off it
 * returns undefined and only passes a well-formed incoming `traceparent` through, so weft stays
 * a transparent hop. End it with `endProcessSpan`.
 */
export function startProcessSpan(process: Process, options: ProcessSpanOptions): Span | undefined {
  const tracer = activeTracer();
  if (tracer === undefined) {
    const incoming = options.carrier?.traceparent;
    if (typeof incoming === 'string') process.data.set(TRACEPARENT_KEY, incoming.trim().toLowerCase());
    return undefined;
  }
  const parent = options.carrier === undefined ? ROOT_CONTEXT : propagation.extract(ROOT_CONTEXT, options.carrier);
  const span = tracer.startSpan(options.name, { kind: KINDS[options.kind], attributes: options.attributes, links: options.links }, parent);
  process.data.set(PROCESS_SPAN, span);
  const spanContext = span.spanContext();
  if (trace.isSpanContextValid(spanContext)) process.data.set(TRACEPARENT_KEY, traceparent(spanContext));
  return span;
}

/** The span of the process or its nearest ancestor, when it is traced. */
export function processSpanOf(process: Process): Span | undefined {
  return process.data.get(PROCESS_SPAN) as Span | undefined;
}

/**
 * Ends a span started by `startProcessSpan`: error status (with `error.type` = the error's code)
 * when `error` is given, then the extra attributes. Idempotent enough: a span ends once.
 */
export function endProcessSpan(span: Span, error?: Error, attributes?: Attributes): void {
  if (attributes !== undefined) span.setAttributes(attributes);
  if (error !== undefined) {
    span.setAttribute('error.type', errorType(error));
    span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
  }
  span.end();
}

/** Runs `work` with `span` as the active span, so log lines (and async work it starts) carry it. */
export function withSpan<T>(span: Span, work: () => T): T {
  return context.with(trace.setSpan(ROOT_CONTEXT, span), work);
}

/** The W3C `traceparent` of a span context. */
export function traceparent(spanContext: SpanContext): string {
  return `00-${spanContext.traceId}-${spanContext.spanId}-${(spanContext.traceFlags & 0xff).toString(16).padStart(2, '0')}`;
}

/** A WeftError's code, else the error's name. */
export function errorType(error: Error): string {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : error.name;
}
