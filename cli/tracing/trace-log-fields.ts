import { trace } from '@opentelemetry/api';

/**
 * A pino mixin: `trace_id`, `span_id` and `trace_flags` of the active span (the request,
 * message or tick the line is logged for), nothing outside one. Installed only when tracing
 * is on, so an engine without tracing pays nothing per line.
 */
export function traceLogFields(): Record<string, string> {
  const span = trace.getActiveSpan();
  // A new object each time: pino merges the line's own fields into what the mixin returns.
  if (span === undefined) return {};
  const { traceId, spanId, traceFlags } = span.spanContext();
  return { trace_id: traceId, span_id: spanId, trace_flags: (traceFlags & 0xff).toString(16).padStart(2, '0') };
}
