import { createRequire } from 'node:module';
import type * as GrpcJs from '@grpc/grpc-js';
import type * as ProtoLoader from '@grpc/proto-loader';

/** The parts of @grpc/grpc-js and @grpc/proto-loader the gRPC kinds use. */
export interface GrpcLibrary {
  readonly grpc: typeof GrpcJs;
  readonly protoLoader: typeof ProtoLoader;
}

const require = createRequire(import.meta.url);
let loaded: GrpcLibrary | undefined;

/**
 * grpc-js and proto-loader (with protobufjs), loaded (synchronously) when the first gRPC node
 * is built, so an engine without one never pays for them.
 */
export function grpcLibrary(): GrpcLibrary {
  return (loaded ??= { grpc: require('@grpc/grpc-js') as GrpcLibrary['grpc'], protoLoader: require('@grpc/proto-loader') as GrpcLibrary['protoLoader'] });
}
