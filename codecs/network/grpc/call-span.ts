import type { Metadata } from '@grpc/grpc-js';
import type { Span } from '@opentelemetry/api';
import type { Process } from '../../../src/index.ts';
import { endProcessSpan, startProcessSpan } from '../../_shared/trace/process-span.ts';
import type { GrpcMethod } from './proto-file.ts';

/** Who serves a call, for span attributes. */
export interface CallSpanOwner {
  readonly namespace: string;
  readonly node: string;
}

/**
 * The server span of one process of a gRPC call (named `package.Service/Method`, continuing the
 * call's `traceparent` metadata), or undefined when tracing is off; then an incoming
 * `traceparent` is only passed through (startProcessSpan).
 */
export function startCallSpan(process: Process, method: GrpcMethod, metadata: Metadata | undefined, owner: CallSpanOwner): Span | undefined {
  const carrier = metadata === undefined ? undefined : textEntries(metadata);
  return startProcessSpan(process, {
    name: method.path.slice(1),
    kind: 'server',
    carrier,
    attributes: {
      'weft.namespace': owner.namespace,
      'weft.node': owner.node,
      'weft.kind': 'listener',
      'rpc.system': 'grpc',
      'rpc.service': method.service,
      'rpc.method': method.name,
    },
  });
}

/** Ends a call process's span with the gRPC status it answered (error status for a failure). */
export function endCallSpan(span: Span, status: number, failure: Error | undefined): void {
  endProcessSpan(span, failure, { 'rpc.grpc.status_code': status });
}

/** The text (non-binary) metadata entries, as a header carrier. */
function textEntries(metadata: Metadata): Record<string, string> {
  const entries: Record<string, string> = {};
  for (const [key, value] of Object.entries(metadata.getMap())) if (typeof value === 'string') entries[key] = value;
  return entries;
}
