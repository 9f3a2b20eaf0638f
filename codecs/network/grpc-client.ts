import type { Client } from '@grpc/grpc-js';
import { Type } from '@sinclair/typebox';
import { defineKind, OneToOneNode, Packet, WeftError, type Problem, type Process } from '../../src/index.ts';
import { delayProblem } from '../_shared/abortable-delay.ts';
import { durationMs, durationSchema } from '../_shared/duration.ts';
import { traceparentOf } from '../_shared/trace-context.ts';
import { startChildSpan } from '../_shared/trace/child-span.ts';
import { endProcessSpan, traceparent as traceparentOfSpan } from '../_shared/trace/process-span.ts';
import { callMethod } from './grpc/client-call.ts';
import { grpcLibrary } from './grpc/grpc-library.ts';
import { loadProto, type GrpcMethod } from './grpc/proto-file.ts';

/** The kind name. */
export const kind = 'grpc';

/** The default deadline of one call. */
export const DEFAULT_DEADLINE_MS = 30_000;

/** The grpc client's own spec fields. */
export const schema = Type.Object({
  target: Type.String({ minLength: 1, description: 'The server, host:port (any grpc-js target: dns:///host:port, unix:///path…).' }),
  proto: Type.String({ minLength: 1, description: 'The .proto file declaring the method (relative to the engine\'s working directory).' }),
  method: Type.String({ pattern: '^/?[A-Za-z_][\\w.]*/[A-Za-z_]\\w*$', description: 'The method called, package.Service/Method.' }),
  deadline: Type.Optional(durationSchema('Time limit of one call, from its start to the last response (default 30s); past it the call fails with DEADLINE_EXCEEDED.')),
  metadata: Type.Optional(Type.Record(Type.String({ pattern: '^[0-9a-z_.-]+$' }), Type.String(), { description: 'Metadata (headers) sent with every call; keys in lower case.' })),
});

/** What a GrpcClientNode needs: where, which method, and the call settings. */
export interface GrpcClientOptions {
  readonly target: string;
  readonly method: GrpcMethod;
  readonly deadlineMs?: number;
  readonly metadata?: Readonly<Record<string, string>>;
}

/**
 * Calls one method of a gRPC server (grpc-js, insecure channel): each packet is a call whose
 * payload is the request message (a list of them for a client-streaming or bidirectional
 * method); the reply is the response (a list of the responses for a streaming response). An
 * error status is ERR_GRPC_STATUS on `error`. The channel connects lazily and reconnects by
 * itself; the process's end cancels its call.
 */
export class GrpcClientNode extends OneToOneNode {
  readonly #client: Client;

  constructor(options: GrpcClientOptions) {
    const { grpc } = grpcLibrary();
    const client = new grpc.Client(options.target, grpc.credentials.createInsecure());
    const settings = { deadlineMs: options.deadlineMs ?? DEFAULT_DEADLINE_MS, metadata: options.metadata ?? {} };
    super((process: Process, packet: Packet) => call(client, options.method, process, packet, settings));
    this.#client = client;
  }

  override close(): void {
    super.close();
    this.#client.close();
  }
}

/** One call, under a client span when the process is traced; the trace context goes out as `traceparent` metadata. */
async function call(client: Client, method: GrpcMethod, process: Process, packet: Packet, settings: { deadlineMs: number; metadata: Readonly<Record<string, string>> }): Promise<Packet> {
  const name = method.path.slice(1);
  const span = startChildSpan(process, name, 'client', { 'rpc.system': 'grpc', 'rpc.service': method.service, 'rpc.method': method.name });
  const trace = span === undefined ? traceparentOf(process) : traceparentOfSpan(span.spanContext());
  const metadata = trace === undefined ? settings.metadata : { ...settings.metadata, traceparent: trace };
  const value = await callMethod(client, method, packet.payload, { deadlineMs: settings.deadlineMs, metadata, signal: process.signal });
  if (span !== undefined) {
    const failed = value instanceof WeftError ? value : undefined;
    endProcessSpan(span, failed, { 'rpc.grpc.status_code': failed === undefined ? 0 : Number(failed.params.code ?? 2) });
  }
  return new Packet(value);
}

function validate(spec: { deadline?: string | number }): Problem[] {
  if (spec.deadline === undefined) return [];
  const problem = delayProblem('deadline', spec.deadline);
  if (problem !== undefined) return [problem];
  return durationMs(spec.deadline) > 0 ? [] : [{ path: 'deadline', code: 'ERR_SPEC_INVALID', message: 'must be more than 0' }];
}

/** `grpc`: a gRPC client of one method. */
export const definition = defineKind({
  kind,
  description: 'Calls method (package.Service/Method of proto) on target with each payload as the request; the reply is the response; an error status goes to error as ERR_GRPC_STATUS.',
  schema,
  ports: { in: ['in'], out: ['out', 'error'] },
  validate,
  codec: (spec) => {
    const path = spec.method.startsWith('/') ? spec.method : `/${spec.method}`;
    const methods = loadProto({ proto: spec.proto });
    const method = methods.find((candidate) => candidate.path === path);
    if (method === undefined) {
      throw new WeftError('ERR_GRPC_METHOD_UNKNOWN', { node: spec.name ?? spec.id ?? kind, name: `method ${path.slice(1)}`, known: methods.map((known) => known.path.slice(1)).join(', ') });
    }
    return new GrpcClientNode({ target: spec.target, method, deadlineMs: spec.deadline === undefined ? undefined : durationMs(spec.deadline), metadata: spec.metadata });
  },
});
