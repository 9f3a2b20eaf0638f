import { trace } from '@opentelemetry/api';

const NONE: Readonly<Record<string, string>> = Object.freeze({});

/**
 * A pino mixin: `trace_id`, `span_id` and `trace_flags` of the active span (the request,
 * message or tick the line is logged for), nothing outside one. Installed only when tracing
 * is on, so an engine without tracing pays nothing per line.
 */
export function traceLogFields(): Readonly<Record<string, string>> {
  const span = trace.getActiveSpan();
  if (span === undefined) return NONE;
  const { traceId, spanId, traceFlags } = span.spanContext();
  return { trace_id: traceId, span_id: spanId, trace_flags: (traceFlags & 0xff).toString(16).padStart(2, '0') };
}
