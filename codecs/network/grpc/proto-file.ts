import { resolve, dirname } from 'node:path';
import type { MethodDefinition, PackageDefinition } from '@grpc/proto-loader';
import { WeftError } from '../../../src/index.ts';
import { grpcLibrary } from './grpc-library.ts';

/** The four call shapes of a gRPC method. */
export type MethodShape = 'unary' | 'server-stream' | 'client-stream' | 'bidi';

/** One method of a loaded .proto file, with the (de)serializers grpc-js needs. */
export interface GrpcMethod {
  /** The wire path, `/pkg.Service/Method`. */
  readonly path: string;
  /** The fully qualified service name, `pkg.Service`. */
  readonly service: string;
  /** The method name, `Method`. */
  readonly name: string;
  /** The listener out-port serving it: `Service-Method` (port names hold no dots). */
  readonly port: string;
  readonly shape: MethodShape;
  readonly definition: MethodDefinition<object, object>;
}

/** Which part of a .proto file to use: the file, and optionally one package or some services. */
export interface ProtoSelection {
  readonly proto: string;
  /** Only the services of this package (`calc`, `acme.billing`). */
  readonly package?: string;
  /** Only these services, by short (`Calculator`) or fully qualified (`calc.Calculator`) name. */
  readonly services?: readonly string[];
}

/**
 * How messages map to payloads: field names as written in the .proto file, 64-bit integers as
 * decimal strings (a JS number cannot hold them), enums by name, bytes as Uint8Array (Buffer),
 * unset fields with their defaults, and the set field of a oneof named in a virtual field.
 */
export const LOADER_OPTIONS = { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true } as const;

/**
 * Loads a .proto file (a relative path is relative to the engine's working directory; imports
 * resolve from the file's folder) and lists its methods, filtered by `package` and `services`.
 * ERR_GRPC_PROTO_INVALID when the file is missing or does not parse, or the filter keeps nothing.
 */
export function loadProto(selection: ProtoSelection): GrpcMethod[] {
  const file = resolve(selection.proto);
  let definition: PackageDefinition;
  try {
    definition = grpcLibrary().protoLoader.loadSync(file, { ...LOADER_OPTIONS, includeDirs: [dirname(file)] });
  } catch (thrown) {
    throw new WeftError('ERR_GRPC_PROTO_INVALID', { proto: selection.proto, reason: firstLine(thrown) }, { cause: thrown });
  }
  const methods: GrpcMethod[] = [];
  for (const [service, entry] of Object.entries(definition)) {
    if (!isService(entry) || !selected(service, selection)) continue;
    for (const method of Object.values(entry)) methods.push(describe(service, method));
  }
  if (methods.length === 0) {
    const filter = selection.package !== undefined || selection.services !== undefined ? ' that package/services select' : '';
    throw new WeftError('ERR_GRPC_PROTO_INVALID', { proto: selection.proto, reason: `it declares no service${filter}` });
  }
  return methods;
}

function describe(service: string, definition: MethodDefinition<object, object>): GrpcMethod {
  const name = definition.path.slice(definition.path.lastIndexOf('/') + 1);
  const short = service.slice(service.lastIndexOf('.') + 1);
  const shape: MethodShape = definition.requestStream
    ? (definition.responseStream ? 'bidi' : 'client-stream')
    : (definition.responseStream ? 'server-stream' : 'unary');
  return { path: definition.path, service, name, port: `${short}-${name}`, shape, definition };
}

function selected(service: string, selection: ProtoSelection): boolean {
  const dot = service.lastIndexOf('.');
  const pkg = dot === -1 ? '' : service.slice(0, dot);
  if (selection.package !== undefined && pkg !== selection.package) return false;
  if (selection.services === undefined) return true;
  return selection.services.includes(service) || selection.services.includes(service.slice(dot + 1));
}

function isService(entry: unknown): entry is Record<string, MethodDefinition<object, object>> {
  if (typeof entry !== 'object' || entry === null || 'format' in entry) return false;
  const first = Object.values(entry)[0] as { path?: unknown } | undefined;
  return typeof first?.path === 'string';
}

function firstLine(thrown: unknown): string {
  const message = thrown instanceof Error ? thrown.message : String(thrown);
  return message.split('\n')[0]!;
}
