import { Type } from '@sinclair/typebox';
import { isLifecyclePort, WeftError, type CodecContext, type Problem, type Spec } from '../../../src/index.ts';
import { GrpcListenerNode } from './grpc-listener-node.ts';
import { loadProto, type GrpcMethod } from './proto-file.ts';

/** The listener fields only `protocol: grpc` uses. */
export const grpcListenerFields = {
  proto: Type.Optional(Type.String({ minLength: 1, description: 'gRPC: the .proto file whose services are served (relative to the engine\'s working directory); each method is an out-port Service-Method.' })),
  package: Type.Optional(Type.String({ minLength: 1, description: 'gRPC: serve only the services of this protobuf package.' })),
  services: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 1, description: 'gRPC: serve only these services (short or fully qualified names).' })),
};

/** The listener fields that only `protocol: http` uses. */
const HTTP_ONLY = ['limits', 'cors', 'rateLimit', 'tls', 'auth'] as const;

/** The gRPC listener's field problems: `proto` required, HTTP-only fields refused (and the other way round). */
export function grpcFieldProblems(spec: Readonly<Record<string, unknown>>): Problem[] {
  const problems: Problem[] = [];
  if (spec.protocol === 'grpc') {
    if (spec.proto === undefined) problems.push({ path: 'proto', code: 'ERR_SPEC_INVALID', message: 'a gRPC listener needs proto, the .proto file it serves' });
    for (const field of HTTP_ONLY) {
      if (spec[field] !== undefined) problems.push({ path: field, code: 'ERR_SPEC_INVALID', message: `${field} applies to protocol http only` });
    }
  } else {
    for (const field of Object.keys(grpcListenerFields)) {
      if (spec[field] !== undefined) problems.push({ path: field, code: 'ERR_SPEC_INVALID', message: `${field} applies to protocol grpc only` });
    }
  }
  return problems;
}

/** The out-ports a gRPC listener spec may link: its methods' (checked against the .proto file at compile time) and `error`. */
export function grpcPorts(spec: Spec): string[] {
  return ['error', ...Object.keys(spec.links ?? {}).filter((name) => name !== 'error')];
}

/**
 * Builds a gRPC listener: loads the .proto file (ERR_GRPC_PROTO_INVALID), checks that every
 * linked out-port names one of its methods (ERR_GRPC_METHOD_UNKNOWN), and serves the linked ones.
 */
export function grpcListener(spec: Spec & { proto?: string; package?: string; services?: string[]; port: number }, context: CodecContext, name: string, host: string): GrpcListenerNode {
  const methods = loadProto({ proto: spec.proto!, package: spec.package, services: spec.services });
  const byPort = new Map<string, GrpcMethod>();
  for (const method of methods) {
    const clash = byPort.get(method.port);
    if (clash !== undefined) {
      throw new WeftError('ERR_GRPC_PROTO_INVALID', { proto: spec.proto!, reason: `${clash.path} and ${method.path} would both be port ${method.port}; select one package or service (package, services)` });
    }
    byPort.set(method.port, method);
  }
  const served: GrpcMethod[] = [];
  for (const port of Object.keys(spec.links ?? {})) {
    if (port === 'error' || isLifecyclePort(port)) continue;
    const method = byPort.get(port);
    if (method === undefined) throw new WeftError('ERR_GRPC_METHOD_UNKNOWN', { node: name, name: `out-port ${port}`, known: [...byPort.keys()].join(', ') });
    served.push(method);
  }
  return new GrpcListenerNode({ host, port: spec.port, methods: served, context, name });
}
