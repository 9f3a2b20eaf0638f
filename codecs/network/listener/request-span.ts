import type { Span } from '@opentelemetry/api';
import type { IncomingMessage } from 'node:http';
import type { Process } from '../../../src/index.ts';
import { activeTracer } from '../../_shared/trace/active-tracer.ts';
import { endProcessSpan, errorType, startProcessSpan } from '../../_shared/trace/process-span.ts';
import { TRACEPARENT_KEY } from '../../_shared/trace-context.ts';

/** Who serves the request: the listener's namespace, name and kind, for span attributes. */
export interface RequestSpanOwner {
  readonly namespace: string;
  readonly node: string;
  readonly kind: string;
}

/**
 * The server span of one request's process (continuing the request's `traceparent`), or
 * undefined when tracing is off; then an incoming `traceparent` is only passed through.
 * Routers rename it `METHOD route` when they match (see `setHttpRoute`).
 */
export function startRequestSpan(process: Process, request: IncomingMessage, scheme: string, owner: RequestSpanOwner): Span | undefined {
  if (activeTracer() === undefined) {
    const incoming = request.headers.traceparent;
    if (typeof incoming === 'string') process.data.set(TRACEPARENT_KEY, incoming.trim().toLowerCase());
    return undefined;
  }
  const url = request.url ?? '/';
  const method = request.method ?? 'GET';
  const question = url.indexOf('?');
  const socket = request.socket;
  return startProcessSpan(process, {
    name: method,
    kind: 'server',
    carrier: request.headers,
    attributes: {
      'weft.namespace': owner.namespace,
      'weft.node': owner.node,
      'weft.kind': owner.kind,
      'http.request.method': method,
      'url.path': question === -1 ? url : url.slice(0, question),
      'url.scheme': scheme,
      'server.port': socket.localPort,
      'client.address': socket.remoteAddress,
    },
  });
}

/** Ends a request's span with its status: error status for a 5xx (OpenTelemetry's rule for servers). */
export function endRequestSpan(span: Span, status: number, problem: Error | undefined): void {
  const attributes = { 'http.response.status_code': status };
  if (status >= 500) endProcessSpan(span, problem ?? new Error(`HTTP ${status}`), attributes);
  else {
    if (problem !== undefined && status >= 400) span.setAttribute('error.type', errorType(problem));
    endProcessSpan(span, undefined, attributes);
  }
}

